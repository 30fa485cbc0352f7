ALTER DATABASE postgres SET default_transaction_read_only = on;
