SELECT pg_sleep(600);
SELECT pg_sleep(600);
