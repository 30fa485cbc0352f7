CREATE TEMP TABLE companies (id uuid, name text);
INSERT INTO companies VALUES (gen_random_uuid(), 'shadow');
