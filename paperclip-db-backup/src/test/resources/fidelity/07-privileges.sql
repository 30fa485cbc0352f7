-- case: table_and_column_grants
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE gt (id int, secret text);
GRANT SELECT (id) ON gt TO fidelity_reader;
GRANT INSERT, UPDATE ON gt TO fidelity_reader WITH GRANT OPTION;
GRANT SELECT ON gt TO PUBLIC;

-- case: schema_sequence_function_grants
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA g;
GRANT USAGE ON SCHEMA g TO fidelity_reader;
CREATE SEQUENCE g.s;
GRANT USAGE ON SEQUENCE g.s TO fidelity_reader;
CREATE FUNCTION g.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
REVOKE ALL ON FUNCTION g.f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION g.f() TO fidelity_reader;

-- case: public_schema_revoked
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- case: owner_revoked_own_privileges
CREATE TABLE self_revoked (v int);
REVOKE DELETE, TRUNCATE ON self_revoked FROM CURRENT_USER;

-- case: default_privileges
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO fidelity_reader;
CREATE TABLE dp_after (v int);

-- case: default_privileges_in_schema
CREATE SCHEMA dp;
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
ALTER DEFAULT PRIVILEGES IN SCHEMA dp GRANT USAGE ON SEQUENCES TO fidelity_reader;
CREATE SEQUENCE dp.s;

-- case: default_privileges_revoked_and_for_role
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE fidelity_writer NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE DELETE, TRUNCATE ON TABLES FROM CURRENT_USER;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT CREATE ON SCHEMAS TO fidelity_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE fidelity_writer GRANT SELECT, UPDATE ON SEQUENCES TO fidelity_reader WITH GRANT OPTION;
CREATE SCHEMA dpr;
ALTER DEFAULT PRIVILEGES FOR ROLE fidelity_writer IN SCHEMA dpr GRANT EXECUTE ON FUNCTIONS TO fidelity_reader;
CREATE FUNCTION dpr.f() RETURNS int LANGUAGE sql AS 'SELECT 1';

-- case: view_and_matview_grants
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE VIEW gv AS SELECT 1 AS a;
GRANT SELECT ON gv TO fidelity_reader;
CREATE MATERIALIZED VIEW gmv AS SELECT 1 AS a;
GRANT SELECT ON gmv TO fidelity_reader;

-- case: type_and_domain_grants
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE DOMAIN gd AS int;
REVOKE USAGE ON DOMAIN gd FROM PUBLIC;
GRANT USAGE ON DOMAIN gd TO fidelity_reader;
