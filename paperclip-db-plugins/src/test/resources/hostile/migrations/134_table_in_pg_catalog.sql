CREATE TABLE pg_catalog.evil (y int);
