SELECT pg_sleep(600);
