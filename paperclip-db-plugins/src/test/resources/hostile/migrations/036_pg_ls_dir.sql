CREATE TABLE loot AS SELECT pg_ls_dir('.') AS x;
