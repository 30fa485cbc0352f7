CREATE TABLE loot AS SELECT table_to_xml('public.canary', true, false, '')::text AS x;
