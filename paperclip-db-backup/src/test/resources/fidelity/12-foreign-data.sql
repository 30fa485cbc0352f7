-- Foreign-data wrappers, servers and user mappings. A restore creates them only with
-- --trust-file (a hostile file must not make a restore connect anywhere on its own).

-- case: foreign_data_wrapper_server_user_mapping
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE FOREIGN DATA WRAPPER plain_fdw OPTIONS (debug 'true');
CREATE FOREIGN DATA WRAPPER "checked fdw" VALIDATOR postgresql_fdw_validator;
CREATE SERVER srv TYPE 'remote' VERSION '1.0' FOREIGN DATA WRAPPER plain_fdw OPTIONS (host 'db.example', note 'it''s');
CREATE SERVER "other srv" FOREIGN DATA WRAPPER "checked fdw" OPTIONS (host 'h', dbname 'd');
CREATE USER MAPPING FOR CURRENT_USER SERVER srv OPTIONS (user 'u', password 'not-a-real-one');
CREATE USER MAPPING FOR PUBLIC SERVER srv;
CREATE USER MAPPING FOR PUBLIC SERVER "other srv" OPTIONS (user 'anon');
COMMENT ON FOREIGN DATA WRAPPER plain_fdw IS 'no handler';
COMMENT ON SERVER srv IS 'a server';
GRANT USAGE ON FOREIGN DATA WRAPPER plain_fdw TO fidelity_reader;
GRANT USAGE ON FOREIGN SERVER srv TO fidelity_reader WITH GRANT OPTION;
-- needs --trust-file: FOREIGN DATA WRAPPER

-- case: foreign_server_of_an_extension_wrapper
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER pg_remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'nowhere', fetch_size '500');
CREATE USER MAPPING FOR PUBLIC SERVER pg_remote OPTIONS (user 'nobody');
-- needs --trust-file: SERVER

-- case: foreign_tables_columns_options_checks_grants
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE FOREIGN DATA WRAPPER fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER fdw;
CREATE SCHEMA ext;
CREATE FUNCTION ext.dflt() RETURNS text LANGUAGE sql STABLE AS 'SELECT ''d''';
CREATE FOREIGN TABLE ext."Remote T" (
  id int OPTIONS (column_name 'ID') NOT NULL,
  name text COLLATE "C" DEFAULT ext.dflt(),
  qty numeric(10, 2) DEFAULT 0 CHECK (qty >= 0),
  CONSTRAINT named_check CHECK (id > 0)
) SERVER srv OPTIONS (schema_name 'remote', table_name 't');
COMMENT ON FOREIGN TABLE ext."Remote T" IS 'lives elsewhere';
COMMENT ON COLUMN ext."Remote T".qty IS 'quantity';
GRANT SELECT ON ext."Remote T" TO fidelity_reader;
GRANT UPDATE (name) ON ext."Remote T" TO fidelity_reader;
CREATE VIEW ext.remote_names AS SELECT name FROM ext."Remote T";
CREATE FOREIGN TABLE no_columns () SERVER srv;
-- needs --trust-file: FOREIGN DATA WRAPPER

-- case: foreign_table_partition_and_inheritance_child
CREATE FOREIGN DATA WRAPPER fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER fdw;
CREATE TABLE measures (at date NOT NULL, v int DEFAULT 1, CHECK (v > 0)) PARTITION BY RANGE (at);
CREATE TABLE measures_2020 PARTITION OF measures FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE FOREIGN TABLE measures_old PARTITION OF measures FOR VALUES FROM ('2000-01-01') TO ('2020-01-01') SERVER srv OPTIONS (table_name 'old');
INSERT INTO measures VALUES ('2020-05-01', 3);
CREATE TABLE base (id int, note text);
CREATE FOREIGN TABLE base_remote (extra int) INHERITS (base) SERVER srv;
INSERT INTO base VALUES (1, 'local');
-- needs --trust-file: FOREIGN DATA WRAPPER

-- case: foreign_table_column_statistics_storage_options
-- The scripter does not write these yet: the completeness guard must name the table, not lose them.
CREATE FOREIGN DATA WRAPPER fdw_stats;
CREATE SERVER srv_stats FOREIGN DATA WRAPPER fdw_stats;
CREATE FOREIGN TABLE ft_stats (a int, b text) SERVER srv_stats;
ALTER FOREIGN TABLE ft_stats ALTER COLUMN a SET STATISTICS 50;
ALTER FOREIGN TABLE ft_stats ALTER COLUMN b SET STORAGE EXTERNAL;
ALTER FOREIGN TABLE ft_stats ALTER COLUMN a SET (n_distinct = 10);
-- refused: foreign table column with a statistics target, storage or options
