SET statement_timeout = '10min';
SET default_transaction_read_only = on;
SET search_path = public;
