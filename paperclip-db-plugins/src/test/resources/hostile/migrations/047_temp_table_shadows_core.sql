CREATE TEMP TABLE companies (id uuid, name text);
