-- case: publication
CREATE TABLE pubt (id int PRIMARY KEY);
CREATE PUBLICATION fidelity_pub FOR TABLE pubt;
CREATE TABLE pubc (id int PRIMARY KEY, a int, secret text);
CREATE PUBLICATION fidelity_pub_cols FOR TABLE pubc (id, a) WHERE (a > 0) WITH (publish = 'insert');
CREATE SCHEMA pubs;
CREATE TABLE pubs.x (id int);
CREATE PUBLICATION fidelity_pub_schema FOR TABLES IN SCHEMA pubs, TABLE pubt WITH (publish_via_partition_root = true);

-- case: publication_all_tables
CREATE PUBLICATION fidelity_pub_all FOR ALL TABLES WITH (publish = 'insert, truncate');

-- case: foreign_data_wrapper_server_mapping_table
CREATE FOREIGN DATA WRAPPER fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER fdw OPTIONS (host 'x');
CREATE USER MAPPING FOR CURRENT_USER SERVER srv OPTIONS (user 'u');
CREATE FOREIGN TABLE ft (a int) SERVER srv;
COMMENT ON FOREIGN TABLE ft IS 'foreign';
-- needs --trust-file: FOREIGN DATA WRAPPER

-- case: cast
CREATE TYPE castme AS ENUM ('a');
CREATE FUNCTION castme_int(castme) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
CREATE CAST (castme AS int) WITH FUNCTION castme_int(castme) AS ASSIGNMENT;
COMMENT ON CAST (castme AS int) IS 'assignment cast';
CREATE TABLE uses_cast (v int DEFAULT 'a'::castme);

-- case: cast_inout
CREATE DOMAIN castd AS text;
CREATE TYPE caste AS ENUM ('x');
CREATE CAST (caste AS text) WITH INOUT AS IMPLICIT;

-- case: access_method
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE uses_am (v int) USING heap2;

-- case: procedural_language
CREATE FUNCTION plpgsql_call_handler2() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE LANGUAGE mypl HANDLER plpgsql_call_handler2;

-- case: security_label_free_case_extension_comment
CREATE EXTENSION IF NOT EXISTS pg_trgm;
COMMENT ON EXTENSION pg_trgm IS 'changed comment';

-- case: extension_in_schema
CREATE SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ext;
CREATE TABLE uses_trgm (v text);
CREATE INDEX uses_trgm_i ON uses_trgm USING gin (v ext.gin_trgm_ops);
INSERT INTO uses_trgm VALUES ('hello');

-- case: extension_member_grant
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
GRANT EXECUTE ON FUNCTION similarity(text, text) TO fidelity_reader;
REVOKE EXECUTE ON FUNCTION show_trgm(text) FROM PUBLIC;

-- case: extension_member_privileges_type_and_owner
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE EXTENSION IF NOT EXISTS citext;
REVOKE USAGE ON TYPE citext FROM PUBLIC;
GRANT USAGE ON TYPE citext TO fidelity_reader WITH GRANT OPTION;
REVOKE EXECUTE ON FUNCTION citext_eq(citext, citext) FROM CURRENT_USER;

-- case: extension_with_dependent_objects
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE ci (v citext PRIMARY KEY);
INSERT INTO ci VALUES ('Abc');
CREATE DOMAIN email AS citext CHECK (VALUE LIKE '%@%');
