CREATE TABLE loot AS SELECT pg_stat_file('postgresql.conf')::text AS x;
