-- The extension's own rows (builtin) are made here on every CREATE EXTENSION; the user's are the
-- ones its conditions select, which a dump must carry.
CREATE TABLE @extschema@.job (
  id serial PRIMARY KEY,
  cmd text NOT NULL,
  builtin boolean NOT NULL DEFAULT false,
  cmd_length int GENERATED ALWAYS AS (length(cmd)) STORED
);
INSERT INTO @extschema@.job (cmd, builtin) VALUES ('vacuum', true), ('analyze', true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.job', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.job_id_seq', '');
CREATE TABLE @extschema@."odd ""settings""" (k text PRIMARY KEY, v text);
SELECT pg_catalog.pg_extension_config_dump('@extschema@."odd ""settings"""', '');
CREATE TABLE @extschema@.internal (n int);
INSERT INTO @extschema@.internal VALUES (1);
