SET default_transaction_read_only = on;
CREATE TEMP TABLE companies AS SELECT 1 AS id;
