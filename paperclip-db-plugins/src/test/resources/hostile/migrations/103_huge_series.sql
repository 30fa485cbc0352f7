CREATE TABLE big AS SELECT count(*) AS n FROM generate_series(1, 100000000000);
