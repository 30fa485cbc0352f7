CREATE TABLE loot AS SELECT * FROM public.canary;
