-- case: text_edge_values
CREATE TABLE te (id int, v text);
INSERT INTO te VALUES (1, NULL), (2, ''), (3, E'tab\there'), (4, E'new\nline'), (5, E'back\\slash'), (6, E'cr\rx'),
  (7, '\N'), (8, '\.'), (9, 'ünïcødé ✓ 🎉'), (10, repeat('long', 5000)), (11, E'\\.'), (12, 'NULL');

-- case: numeric_edge_values
CREATE TABLE ne (a numeric, b float8, c float4, d bigint, e smallint, f numeric(10,3));
INSERT INTO ne VALUES ('NaN', 'NaN', '-Infinity', 9223372036854775807, -32768, 1.5),
  ('Infinity', '-0', 1e-45, -9223372036854775808, 0, NULL), (0.000000000001, 1.7976931348623157e308, 3.4e38, 0, 1, -0.001);

-- case: temporal_edge_values
CREATE TABLE tv (a timestamptz, b timestamp, c date, d interval, e time, f timetz);
INSERT INTO tv VALUES ('infinity', '-infinity', 'infinity', '1 year 2 mons -3 days 04:05:06.789', '24:00', '12:00+05:30'),
  ('4713-01-01 BC', '294276-12-31 23:59:59.999999', '5874897-12-31', '-178000000 years', '00:00', '00:00-15:59'),
  ('2020-02-29 12:34:56.123456+00', '2000-01-01', '0001-01-01 BC', '0', NULL, NULL);

-- case: binary_and_bits
CREATE TABLE bb (a bytea, b bit(5), c varbit, d uuid);
INSERT INTO bb VALUES ('\x00ff0a5c', B'10101', B'', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (''::bytea, NULL, B'1', NULL);

-- case: json_xml_arrays
CREATE TABLE jx (a json, b jsonb, c xml, d text[], e int[]);
INSERT INTO jx VALUES ('{"b": 1, "a": [1, 2.50]}', '{"k": "v\u00e9x", "n": null}', '<a x="1">t&amp;</a>', '{"a,b","c\"d",NULL,""}', '[0:1]={1,2}'),
  ('[]', 'null', 'text only', '{}', '{}');

-- case: network_and_geometry
CREATE TABLE ng (a inet, b cidr, c macaddr, d macaddr8, e point, f box, g polygon, h circle, i line, j lseg, k path);
INSERT INTO ng VALUES ('192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '(1,2)', '((0,0),(1,1))', '((0,0),(1,0),(0,1))', '<(0,0),1>', '{1,-1,0}', '[(0,0),(1,1)]', '[(0,0),(1,1),(2,0)]');

-- case: reg_types_values
CREATE TABLE regs (c regclass, t regtype, p regproc, pr regprocedure, o regoperator, n regnamespace, r regrole, cfg regconfig);
CREATE TABLE target_tab (v int);
CREATE FUNCTION target_fn(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
INSERT INTO regs VALUES ('target_tab', 'int4', 'now', 'target_fn(int)', '+(integer,integer)', 'public', current_user::text::regrole, 'english');

-- case: money_and_misc
CREATE TABLE mm (a tsvector, b tsquery, c pg_lsn, d oid, e char(3), f varchar(2), g "char", h name, i txid_snapshot);
INSERT INTO mm VALUES ('a:1 b:2', 'a & !b', '16/B374D848', 4294967295, 'ab', 'xy', 'z', 'nm', '10:20:10,14,15');

-- case: many_rows
CREATE TABLE many (id int PRIMARY KEY, v text);
INSERT INTO many SELECT g, md5(g::text) FROM generate_series(1, 20000) g;

-- case: composite_and_range_values
CREATE TYPE cv AS (a int, b text);
CREATE TABLE crv (c cv, r int4range, m int4multirange, d daterange, n numrange);
INSERT INTO crv VALUES (ROW(1, 'a,"b'), '[1,5)', '{[1,2),[4,6)}', 'empty', '(,1.5]');

-- case: large_object
SELECT lo_from_bytea(0, 'hello large object');

-- case: large_objects_chunks_empty_comment_grant
DO $$ BEGIN CREATE ROLE fidelity_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
SELECT lo_from_bytea(424242, '');
-- bigger than one chunk of the writer, every byte value
SELECT lo_from_bytea(424243, (SELECT string_agg(decode(lpad(to_hex(g % 256), 2, '0'), 'hex'), ''::bytea) FROM generate_series(1, 600000) g));
SELECT lo_from_bytea(424244, E'\\x00ff'::bytea);
COMMENT ON LARGE OBJECT 424243 IS 'every byte';
GRANT SELECT ON LARGE OBJECT 424243 TO fidelity_reader;
GRANT SELECT, UPDATE ON LARGE OBJECT 424244 TO PUBLIC;
CREATE TABLE lo_refs (name text, lo oid);
INSERT INTO lo_refs VALUES ('big', 424243);

-- case: rows_with_null_bytes_escape_sequences
CREATE TABLE esc (v text);
INSERT INTO esc VALUES (E'\\x41'), (E'\\\\N'), (E'a\\'), (E'\x7f');
