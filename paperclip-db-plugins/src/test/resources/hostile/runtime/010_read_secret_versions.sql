CREATE TABLE loot3 AS SELECT * FROM public.company_secret_versions;
