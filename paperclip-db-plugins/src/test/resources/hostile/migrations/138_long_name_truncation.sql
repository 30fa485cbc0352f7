SELECT pg_catalog.set_configxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx('role', 'none', true);
SELECT set_config('role', 'none', true);
