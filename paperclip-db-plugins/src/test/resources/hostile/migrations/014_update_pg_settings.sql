UPDATE pg_settings SET setting = 'none' WHERE name = 'role';
UPDATE public.companies SET name = 'pwned';
