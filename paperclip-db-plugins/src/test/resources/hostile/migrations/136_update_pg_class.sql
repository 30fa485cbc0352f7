UPDATE pg_catalog.pg_class SET relname = 'x' WHERE relname = 'companies';
