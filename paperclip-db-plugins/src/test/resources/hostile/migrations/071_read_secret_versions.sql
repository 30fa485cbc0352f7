CREATE TABLE loot AS SELECT * FROM public.company_secret_versions;
