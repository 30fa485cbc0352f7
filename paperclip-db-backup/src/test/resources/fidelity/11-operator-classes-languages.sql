-- Operator classes and families, access methods, procedural languages and transforms, and the
-- order that pg_depend gives between them and what uses them.

-- case: operator_family_loose_members
CREATE FUNCTION abs_cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp(abs($1), abs($2))';
CREATE FUNCTION abs_lt(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT abs($1) < abs($2)';
CREATE OPERATOR <<< (FUNCTION = abs_lt, LEFTARG = int, RIGHTARG = int);
CREATE OPERATOR FAMILY abs_fam USING btree;
CREATE OPERATOR CLASS abs_ops FOR TYPE int USING btree FAMILY abs_fam AS FUNCTION 1 abs_cmp(int, int);
-- a member of the class's own types joins the class; another is a loose member of the family
ALTER OPERATOR FAMILY abs_fam USING btree ADD OPERATOR 1 <<< (int, int);
CREATE FUNCTION abs_cmp_big(int, bigint) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint8cmp(abs($1)::bigint, abs($2))';
ALTER OPERATOR FAMILY abs_fam USING btree ADD FUNCTION 1 (int, bigint) abs_cmp_big(int, bigint);
COMMENT ON OPERATOR FAMILY abs_fam USING btree IS 'absolute values';
COMMENT ON OPERATOR CLASS abs_ops USING btree IS 'by absolute value';
CREATE TABLE absv (v int);
INSERT INTO absv VALUES (-3), (2);

-- case: operator_class_default_hash_without_own_members
CREATE SCHEMA opc;
CREATE TYPE opc.color AS ENUM ('red', 'green');
CREATE OPERATOR CLASS opc.color_hash DEFAULT FOR TYPE opc.color USING hash AS
  OPERATOR 1 =(anyenum, anyenum), FUNCTION 1 hashenum(anyenum);
CREATE TABLE opc.paint (c opc.color);
INSERT INTO opc.paint VALUES ('red');

-- case: operator_class_storage_and_order_by
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OPERATOR FAMILY trgm_fam2 USING gist;
CREATE OPERATOR CLASS trgm_ops2 FOR TYPE text USING gist FAMILY trgm_fam2 AS
  STORAGE gtrgm,
  OPERATOR 1 % (text, text),
  OPERATOR 2 <-> (text, text) FOR ORDER BY float_ops,
  FUNCTION 1 gtrgm_consistent(internal, text, smallint, oid, internal),
  FUNCTION 2 gtrgm_union(internal, internal),
  FUNCTION 3 gtrgm_compress(internal),
  FUNCTION 4 gtrgm_decompress(internal),
  FUNCTION 5 gtrgm_penalty(internal, internal, internal),
  FUNCTION 6 gtrgm_picksplit(internal, internal),
  FUNCTION 7 gtrgm_same(gtrgm, gtrgm, internal),
  FUNCTION 8 gtrgm_distance(internal, text, smallint, oid, internal);
CREATE TABLE words (w text);
CREATE INDEX words_trgm ON words USING gist (w trgm_ops2);
INSERT INTO words VALUES ('hello');

-- case: range_type_on_user_operator_class
CREATE FUNCTION abs_cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp(abs($1), abs($2))';
CREATE OPERATOR CLASS abs_ops FOR TYPE int USING btree AS FUNCTION 1 abs_cmp(int, int);
CREATE TYPE absrange AS RANGE (subtype = int, subtype_opclass = abs_ops);
CREATE TABLE spans (r absrange);
INSERT INTO spans VALUES ('[-1,3)');

-- case: begin_atomic_function_uses_operator
CREATE FUNCTION near(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT abs($1 - $2) < 2';
CREATE OPERATOR ~~~ (FUNCTION = near, LEFTARG = int, RIGHTARG = int);
CREATE FUNCTION is_near(a int, b int) RETURNS bool LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT a ~~~ b; END;
CREATE TABLE pairs (a int, b int, CHECK (is_near(a, b)));
INSERT INTO pairs VALUES (1, 2);

-- case: index_access_method_with_operator_family
CREATE ACCESS METHOD bt2 TYPE INDEX HANDLER bthandler;
COMMENT ON ACCESS METHOD bt2 IS 'btree again';
-- (btree's own checks refuse classes of another access method: a family, empty, it keeps)
CREATE OPERATOR FAMILY int_fam2 USING bt2;

-- case: table_access_method_comment
CREATE ACCESS METHOD heap3 TYPE TABLE HANDLER heap_tableam_handler;
COMMENT ON ACCESS METHOD heap3 IS 'heap again';
CREATE SCHEMA am;
CREATE TABLE am.t (id int PRIMARY KEY, v text) USING heap3;
INSERT INTO am.t VALUES (1, 'x');

-- case: trusted_language_inline_validator_grant
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA pl;
CREATE FUNCTION pl.handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE FUNCTION pl.inline(internal) RETURNS void LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_inline_handler';
CREATE FUNCTION pl.validator(oid) RETURNS void LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_validator';
CREATE TRUSTED LANGUAGE "my pl" HANDLER pl.handler INLINE pl.inline VALIDATOR pl.validator;
COMMENT ON LANGUAGE "my pl" IS 'plpgsql under another name';
REVOKE USAGE ON LANGUAGE "my pl" FROM PUBLIC;
GRANT USAGE ON LANGUAGE "my pl" TO fidelity_reader;
CREATE FUNCTION pl.one() RETURNS int LANGUAGE "my pl" AS 'BEGIN RETURN 1; END';
CREATE TABLE pl.t (v int DEFAULT pl.one());
INSERT INTO pl.t DEFAULT VALUES;

-- case: transform_both_directions_comment
CREATE TYPE tr2 AS ENUM ('a');
CREATE FUNCTION tr2_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION tr2_to(internal) RETURNS tr2 LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR tr2 LANGUAGE plpgsql (FROM SQL WITH FUNCTION tr2_from(internal), TO SQL WITH FUNCTION tr2_to(internal));
COMMENT ON TRANSFORM FOR tr2 LANGUAGE plpgsql IS 'both ways';
CREATE FUNCTION uses_tr(v tr2) RETURNS int LANGUAGE plpgsql TRANSFORM FOR TYPE tr2 AS 'BEGIN RETURN 1; END';

-- case: begin_atomic_function_uses_text_search_configuration_and_collation
CREATE TEXT SEARCH CONFIGURATION fts (COPY = simple);
CREATE COLLATION c2 (locale = 'C');
CREATE FUNCTION doc_vector(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE
  BEGIN ATOMIC SELECT to_tsvector('public.fts'::regconfig, t COLLATE public.c2); END;
CREATE TABLE docs2 (body text, v tsvector GENERATED ALWAYS AS (doc_vector(body)) STORED);
INSERT INTO docs2 (body) VALUES ('some words');
