-- case: collation
CREATE COLLATION my_c (locale = 'C');
CREATE TABLE uses_coll (v text COLLATE my_c);
INSERT INTO uses_coll VALUES ('b'), ('a');
COMMENT ON COLLATION my_c IS 'c collation';

-- case: icu_collation
CREATE COLLATION ci_icu (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE uses_icu (v text COLLATE ci_icu UNIQUE);
INSERT INTO uses_icu VALUES ('Abc');

-- case: operator
CREATE FUNCTION int_eq3(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR === (FUNCTION = int_eq3, LEFTARG = int, RIGHTARG = int, COMMUTATOR = ===);
CREATE VIEW uses_op AS SELECT 1 === 1 AS same;

-- case: operators_negator_prefix_and_estimators
CREATE SCHEMA ops;
CREATE TYPE ops.money2 AS (cents bigint);
CREATE FUNCTION ops.m_lt(ops.money2, ops.money2) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1.cents < $2.cents';
CREATE FUNCTION ops.m_ge(ops.money2, ops.money2) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1.cents >= $2.cents';
CREATE FUNCTION ops.m_neg(ops.money2) RETURNS ops.money2 LANGUAGE sql IMMUTABLE AS 'SELECT ROW(-$1.cents)::ops.money2';
CREATE OPERATOR ops.< (FUNCTION = ops.m_lt, LEFTARG = ops.money2, RIGHTARG = ops.money2, NEGATOR = OPERATOR(ops.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR ops.>= (FUNCTION = ops.m_ge, LEFTARG = ops.money2, RIGHTARG = ops.money2, NEGATOR = OPERATOR(ops.<));
CREATE OPERATOR ops.- (FUNCTION = ops.m_neg, RIGHTARG = ops.money2);
CREATE TABLE ops.wallet (m ops.money2, CHECK (NOT (m OPERATOR(ops.<) ROW(0)::ops.money2)));
INSERT INTO ops.wallet VALUES (ROW(5));
COMMENT ON OPERATOR ops.- (NONE, ops.money2) IS 'negation';

-- case: operator_class_and_family
CREATE FUNCTION abs_cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp(abs($1), abs($2))';
CREATE OPERATOR FAMILY abs_fam USING btree;
CREATE OPERATOR CLASS abs_ops FOR TYPE int USING btree FAMILY abs_fam AS FUNCTION 1 abs_cmp(int, int);

-- case: text_search_configuration
CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = english);
ALTER TEXT SEARCH CONFIGURATION my_ts DROP MAPPING FOR url;
CREATE TABLE docs (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.my_ts'::regconfig, body)) STORED);
INSERT INTO docs (body) VALUES ('the quick fox');
COMMENT ON TEXT SEARCH CONFIGURATION my_ts IS 'english without urls';

-- case: text_search_dictionary
CREATE TEXT SEARCH DICTIONARY my_dict (TEMPLATE = simple, STOPWORDS = english);
CREATE SCHEMA tsx;
CREATE TEXT SEARCH CONFIGURATION tsx.mine (PARSER = default);
ALTER TEXT SEARCH CONFIGURATION tsx.mine ADD MAPPING FOR asciiword, word WITH public.my_dict, simple;

-- case: text_search_template_parser
CREATE TEXT SEARCH TEMPLATE my_tmpl (LEXIZE = dsimple_lexize, INIT = dsimple_init);
CREATE TEXT SEARCH PARSER my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH DICTIONARY my_tdict (TEMPLATE = my_tmpl, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION my_pcfg (PARSER = my_parser);
ALTER TEXT SEARCH CONFIGURATION my_pcfg ADD MAPPING FOR word WITH my_tdict;
COMMENT ON TEXT SEARCH PARSER my_parser IS 'the default parser again';
COMMENT ON TEXT SEARCH TEMPLATE my_tmpl IS 'simple again';

-- case: conversion
CREATE CONVERSION my_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE SCHEMA cv;
CREATE DEFAULT CONVERSION cv.my_default_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
COMMENT ON CONVERSION my_conv IS 'latin1 to utf8';

-- case: transform
CREATE TYPE tr_e AS ENUM ('a');
CREATE FUNCTION tr_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE AS 'int4recv';
CREATE TRANSFORM FOR tr_e LANGUAGE sql (FROM SQL WITH FUNCTION tr_from(internal));

-- case: comment_on_unscripted_kind
CREATE TEXT SEARCH DICTIONARY cdict (TEMPLATE = simple);
COMMENT ON TEXT SEARCH DICTIONARY cdict IS 'the comment goes with its dictionary';

