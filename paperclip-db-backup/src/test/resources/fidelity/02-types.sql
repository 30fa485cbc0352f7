-- case: enum_with_added_values
CREATE TYPE mood AS ENUM ('sad', 'happy');
ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';
ALTER TYPE mood ADD VALUE 'ecstatic';
CREATE TABLE m (v mood);
INSERT INTO m VALUES ('ok'), ('ecstatic');

-- case: domain_with_checks
CREATE DOMAIN posint AS int NOT NULL DEFAULT 1 CONSTRAINT pos CHECK (VALUE > 0) CONSTRAINT small CHECK (VALUE < 1000);
CREATE TABLE dom (v posint);
INSERT INTO dom VALUES (5);

-- case: domain_not_valid_constraint
CREATE DOMAIN d2 AS int;
CREATE TABLE dt (v d2);
INSERT INTO dt VALUES (-1);
ALTER DOMAIN d2 ADD CONSTRAINT d2_pos CHECK (VALUE > 0) NOT VALID;

-- case: domain_collation
CREATE DOMAIN ctext AS text COLLATE "C";

-- case: domain_over_domain
CREATE DOMAIN a1 AS int CHECK (VALUE > 0);
CREATE DOMAIN a2 AS a1 CHECK (VALUE < 10);
CREATE TABLE aa (v a2);
INSERT INTO aa VALUES (3);

-- case: composite_type
CREATE TYPE pair AS (a int, b text COLLATE "C");
CREATE TABLE pt (p pair, ps pair[]);
INSERT INTO pt VALUES (ROW(1, 'x'), ARRAY[ROW(2, 'y')::pair, NULL]);

-- case: composite_comment_on_attribute
CREATE TYPE cpx AS (re float8, im float8);
COMMENT ON COLUMN cpx.re IS 'real part';

-- case: range_type
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE rg (r floatrange, mr floatmultirange);
INSERT INTO rg VALUES ('[1.5,2.5)', '{[1,2),[3,4)}');

-- case: range_with_collation
CREATE TYPE textrange_c AS RANGE (subtype = text, collation = "C");

-- case: shell_type
CREATE TYPE shell;

-- case: base_type
CREATE TYPE mytext;
CREATE FUNCTION mytext_in(cstring) RETURNS mytext LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION mytext_out(mytext) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE mytext (INPUT = mytext_in, OUTPUT = mytext_out, LIKE = text);
CREATE TABLE uses_mytext (v mytext);
INSERT INTO uses_mytext VALUES ('hello');
COMMENT ON TYPE mytext IS 'text again';

-- case: base_type_all_options
CREATE SCHEMA bt;
CREATE TYPE bt.num;
CREATE FUNCTION bt.num_in(cstring) RETURNS bt.num LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION bt.num_out(bt.num) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE FUNCTION bt.num_recv(internal) RETURNS bt.num LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION bt.num_send(bt.num) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE TYPE bt.num (INPUT = bt.num_in, OUTPUT = bt.num_out, RECEIVE = bt.num_recv, SEND = bt.num_send,
  INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4, STORAGE = plain, CATEGORY = 'N', PREFERRED = false,
  DEFAULT = '7', DELIMITER = ';');
CREATE TABLE bt.t (v bt.num, vs bt.num[]);
INSERT INTO bt.t VALUES ('42', '{1;2}');

-- case: type_comment_and_grant
CREATE TYPE gt AS ENUM ('a');
COMMENT ON TYPE gt IS 'granted';
REVOKE USAGE ON TYPE gt FROM PUBLIC;

-- case: array_of_domain_and_enum
CREATE TYPE color AS ENUM ('red', 'green');
CREATE DOMAIN shortt AS varchar(5);
CREATE TABLE arr (c color[], s shortt[], n int[][]);
INSERT INTO arr VALUES ('{red,green}', '{ab,NULL}', '{{1,2},{3,4}}');
