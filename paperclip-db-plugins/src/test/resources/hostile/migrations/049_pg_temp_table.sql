CREATE TABLE pg_temp.issues (x int);
