ALTER ROLE CURRENT_USER SET search_path = public;
ALTER ROLE CURRENT_USER SET statement_timeout = 0;
