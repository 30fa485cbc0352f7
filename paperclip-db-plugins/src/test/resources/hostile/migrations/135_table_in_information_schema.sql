CREATE TABLE information_schema.evil (y int);
