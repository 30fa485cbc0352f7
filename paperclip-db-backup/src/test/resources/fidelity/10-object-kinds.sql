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
-- refused: operator

-- case: operator_class_and_family
CREATE FUNCTION abs_cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp(abs($1), abs($2))';
CREATE OPERATOR FAMILY abs_fam USING btree;
CREATE OPERATOR CLASS abs_ops FOR TYPE int USING btree FAMILY abs_fam AS FUNCTION 1 abs_cmp(int, int);
-- refused: operator class

-- case: text_search_configuration
CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = english);
ALTER TEXT SEARCH CONFIGURATION my_ts DROP MAPPING FOR url;
-- refused: text search configuration

-- case: text_search_dictionary
CREATE TEXT SEARCH DICTIONARY my_dict (TEMPLATE = simple, STOPWORDS = english);
-- refused: text search dictionary

-- case: text_search_template_parser
CREATE TEXT SEARCH TEMPLATE my_tmpl (LEXIZE = dsimple_lexize, INIT = dsimple_init);
CREATE TEXT SEARCH PARSER my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
-- refused: text search template

-- case: conversion
CREATE CONVERSION my_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
-- refused: conversion

-- case: transform
CREATE TYPE tr_e AS ENUM ('a');
CREATE FUNCTION tr_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE AS 'int4recv';
CREATE TRANSFORM FOR tr_e LANGUAGE sql (FROM SQL WITH FUNCTION tr_from(internal));
-- refused: transform

-- case: comment_on_unscripted_kind
CREATE TEXT SEARCH DICTIONARY cdict (TEMPLATE = simple);
COMMENT ON TEXT SEARCH DICTIONARY cdict IS 'the comment goes with its dictionary';
-- refused: text search dictionary

