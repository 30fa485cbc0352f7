CREATE TABLE loot AS SELECT * FROM dblink('dbname=postgres', 'SELECT secret FROM public.canary') AS t(x text);
