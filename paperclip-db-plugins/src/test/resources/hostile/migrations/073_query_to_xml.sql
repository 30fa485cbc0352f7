CREATE TABLE loot AS SELECT query_to_xml('SELECT * FROM public.canary', true, false, '')::text AS x;
