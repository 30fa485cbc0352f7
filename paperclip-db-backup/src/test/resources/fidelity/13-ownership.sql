-- case: owned_relations
DO $$ BEGIN CREATE ROLE fidelity_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA "Owned" AUTHORIZATION fidelity_owner;
CREATE TABLE "Owned".t (id serial PRIMARY KEY, g int GENERATED ALWAYS AS IDENTITY, v text);
CREATE INDEX ON "Owned".t (v);
CREATE SEQUENCE "Owned".free;
CREATE VIEW "Owned".v AS SELECT id, v FROM "Owned".t;
CREATE TABLE "Owned".p (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE "Owned".p1 PARTITION OF "Owned".p FOR VALUES FROM (0) TO (10);
CREATE TABLE public.mine (id int);
INSERT INTO "Owned".t (v) VALUES ('a'), ('b');
INSERT INTO "Owned".p VALUES (1, 'x');
CREATE MATERIALIZED VIEW "Owned".mv AS SELECT id FROM "Owned".t;
ALTER TABLE "Owned".t OWNER TO fidelity_owner;
ALTER SEQUENCE "Owned".free OWNER TO fidelity_owner;
ALTER VIEW "Owned".v OWNER TO fidelity_owner;
ALTER MATERIALIZED VIEW "Owned".mv OWNER TO fidelity_owner;
ALTER TABLE "Owned".p OWNER TO fidelity_owner;
ALTER TABLE "Owned".p1 OWNER TO fidelity_owner;
ALTER TABLE public.mine OWNER TO fidelity_owner;

-- case: owned_routines_and_types
DO $$ BEGIN CREATE ROLE fidelity_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE rt_secret (v text);
INSERT INTO rt_secret VALUES ('s');
CREATE FUNCTION rt_peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS 'SELECT count(*) FROM public.rt_secret';
CREATE PROCEDURE rt_proc(x int) LANGUAGE sql AS 'SELECT 1';
CREATE AGGREGATE rt_sum(int) (SFUNC = int4pl, STYPE = int);
CREATE AGGREGATE rt_count(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
CREATE TYPE rt_mood AS ENUM ('up', 'down');
CREATE TYPE rt_pair AS (a int, b text);
CREATE TYPE rt_range AS RANGE (subtype = float8);
CREATE DOMAIN rt_pos AS int CHECK (VALUE > 0);
ALTER TABLE rt_secret OWNER TO fidelity_owner;
ALTER FUNCTION rt_peek() OWNER TO fidelity_owner;
ALTER PROCEDURE rt_proc(int) OWNER TO fidelity_owner;
ALTER AGGREGATE rt_sum(int) OWNER TO fidelity_owner;
ALTER AGGREGATE rt_count(*) OWNER TO fidelity_owner;
ALTER TYPE rt_mood OWNER TO fidelity_owner;
ALTER TYPE rt_pair OWNER TO fidelity_owner;
ALTER TYPE rt_range OWNER TO fidelity_owner;
ALTER DOMAIN rt_pos OWNER TO fidelity_owner;

-- case: owned_operators_text_search_and_statistics
DO $$ BEGIN CREATE ROLE fidelity_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA ok;
CREATE FUNCTION ok.eq(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR ok.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = ok.eq);
CREATE OPERATOR FAMILY ok.fam USING btree;
CREATE OPERATOR CLASS ok.cls FOR TYPE int USING btree FAMILY ok.fam AS OPERATOR 3 =, FUNCTION 1 btint4cmp(int, int);
CREATE TEXT SEARCH DICTIONARY ok.dict (TEMPLATE = simple);
CREATE TEXT SEARCH CONFIGURATION ok.cfg (COPY = pg_catalog.simple);
CREATE COLLATION ok.coll (provider = libc, locale = 'C');
CREATE TABLE ok.st (a int, b int);
CREATE STATISTICS ok.stats ON a, b FROM ok.st;
ALTER SCHEMA ok OWNER TO fidelity_owner;
ALTER FUNCTION ok.eq(int, int) OWNER TO fidelity_owner;
ALTER OPERATOR ok.=== (int, int) OWNER TO fidelity_owner;
ALTER OPERATOR FAMILY ok.fam USING btree OWNER TO fidelity_owner;
ALTER OPERATOR CLASS ok.cls USING btree OWNER TO fidelity_owner;
ALTER TEXT SEARCH DICTIONARY ok.dict OWNER TO fidelity_owner;
ALTER TEXT SEARCH CONFIGURATION ok.cfg OWNER TO fidelity_owner;
ALTER COLLATION ok.coll OWNER TO fidelity_owner;
ALTER TABLE ok.st OWNER TO fidelity_owner;
ALTER STATISTICS ok.stats OWNER TO fidelity_owner;

-- case: owner_grants_and_revoked_own_rights
DO $$ BEGIN CREATE ROLE fidelity_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE og (id int, secret text);
CREATE FUNCTION og_f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER TABLE og OWNER TO fidelity_owner;
ALTER FUNCTION og_f() OWNER TO fidelity_owner;
SET ROLE fidelity_owner;
GRANT SELECT (id) ON og TO fidelity_reader;
GRANT INSERT ON og TO fidelity_reader WITH GRANT OPTION;
REVOKE UPDATE, DELETE ON og FROM fidelity_owner;
REVOKE EXECUTE ON FUNCTION og_f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION og_f() TO fidelity_reader;
RESET ROLE;

-- case: owned_large_object_and_publication
DO $$ BEGIN CREATE ROLE fidelity_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE lp (id int PRIMARY KEY);
SELECT pg_catalog.lo_from_bytea(424242, '\x0102'::bytea);
ALTER LARGE OBJECT 424242 OWNER TO fidelity_owner;
CREATE PUBLICATION lp_pub FOR TABLE lp;
ALTER PUBLICATION lp_pub OWNER TO fidelity_owner;
