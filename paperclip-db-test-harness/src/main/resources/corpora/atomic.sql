-- Loaded with psql after hostile.sql (JDBC cannot send these bodies in a multi-statement string).
-- SQL-standard function bodies hold semicolons inside (restore must not split them)
CREATE FUNCTION app.atomic_add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT CASE WHEN a IS NULL THEN b ELSE a + b END;
END;
CREATE PROCEDURE app.atomic_log(msg text) LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO app.base_log (id, msg) VALUES (-1, msg);
  UPDATE app.base_log SET msg = msg WHERE id = -1;
END;
