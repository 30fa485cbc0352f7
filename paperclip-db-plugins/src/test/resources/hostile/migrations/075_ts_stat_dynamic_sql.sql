CREATE TABLE loot AS SELECT word FROM ts_stat('SELECT to_tsvector(secret) FROM public.canary');
