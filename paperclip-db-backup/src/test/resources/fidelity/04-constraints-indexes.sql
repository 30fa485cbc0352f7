-- case: primary_unique_check_fk
CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, CHECK (id > 0));
INSERT INTO parent VALUES (1, 'a');
INSERT INTO child VALUES (1, 1);

-- case: not_valid_check
CREATE TABLE nv (v int);
INSERT INTO nv VALUES (-1);
ALTER TABLE nv ADD CONSTRAINT nv_pos CHECK (v > 0) NOT VALID;
COMMENT ON CONSTRAINT nv_pos ON nv IS 'not valid yet';

-- case: not_valid_fk
CREATE TABLE p2 (id int PRIMARY KEY);
CREATE TABLE c2 (p int);
INSERT INTO c2 VALUES (9);
ALTER TABLE c2 ADD CONSTRAINT c2_p FOREIGN KEY (p) REFERENCES p2 NOT VALID;

-- case: self_referencing_fk
CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree);
INSERT INTO tree VALUES (1, NULL), (2, 1);

-- case: exclusion_constraint
CREATE TABLE booking (room int, during tstzrange, EXCLUDE USING gist (during WITH &&));
INSERT INTO booking VALUES (1, '[2020-01-01,2020-01-02)');

-- case: deferrable_unique
CREATE TABLE du (v int UNIQUE DEFERRABLE INITIALLY IMMEDIATE);

-- case: unique_nulls_not_distinct
CREATE TABLE und (v int UNIQUE NULLS NOT DISTINCT);

-- case: indexes_of_every_shape
CREATE TABLE ix (a int, b text, c jsonb, d tsvector, e point);
CREATE INDEX ix_partial ON ix (a) WHERE a > 0;
CREATE INDEX ix_expr ON ix (lower(b));
CREATE INDEX ix_gin ON ix USING gin (c jsonb_path_ops);
CREATE INDEX ix_gist ON ix USING gist (e);
CREATE INDEX ix_brin ON ix USING brin (a) WITH (pages_per_range = 16);
CREATE INDEX ix_hash ON ix USING hash (b);
CREATE INDEX ix_incl ON ix (a) INCLUDE (b);
CREATE INDEX ix_desc ON ix (a DESC NULLS LAST, b COLLATE "C" text_pattern_ops);
CREATE UNIQUE INDEX ix_uniq ON ix (a, b);

-- case: index_column_statistics_target
CREATE TABLE ist (a int, b int);
CREATE INDEX ist_expr ON ist ((a + b));
ALTER INDEX ist_expr ALTER COLUMN 1 SET STATISTICS 300;

-- case: invalid_index_skipped
CREATE TABLE inv (v int);
INSERT INTO inv VALUES (1), (1);
CREATE INDEX inv_u ON inv (v);
-- the loader marks the index invalid, as a failed CREATE INDEX CONCURRENTLY leaves it
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'inv_u'::regclass;

-- case: extended_statistics
CREATE TABLE es (a int, b int, c int);
CREATE STATISTICS es_ab (dependencies, ndistinct) ON a, b FROM es;
CREATE STATISTICS es_expr ON (a + b), c FROM es;
ALTER STATISTICS es_ab SET STATISTICS 200;
COMMENT ON STATISTICS es_ab IS 'stats';

-- case: constraint_trigger
CREATE TABLE ct (v int);
CREATE FUNCTION ct_f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE CONSTRAINT TRIGGER ct_t AFTER INSERT ON ct DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ct_f();

-- case: fk_to_unique_index_columns_subset
CREATE TABLE pk2 (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE fk2 (a int, b int, FOREIGN KEY (a, b) REFERENCES pk2 MATCH FULL ON UPDATE SET NULL);

-- case: check_calling_function_on_rowtype
CREATE TABLE rc (a int, b int);
CREATE FUNCTION rc_ok(r rc) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT r.a < r.b';
ALTER TABLE rc ADD CONSTRAINT rc_chk CHECK (rc_ok(rc));
INSERT INTO rc VALUES (1, 2);
