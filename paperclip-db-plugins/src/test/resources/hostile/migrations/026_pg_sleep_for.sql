SELECT pg_sleep_for('10 minutes');
