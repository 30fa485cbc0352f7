-- case: sql_function
CREATE FUNCTION add(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a + b';

-- case: plpgsql_function_options
CREATE FUNCTION f(x int) RETURNS SETOF int LANGUAGE plpgsql STABLE SECURITY DEFINER COST 5 ROWS 10 SET search_path = pg_catalog AS $$
BEGIN RETURN NEXT x; END $$;

-- case: procedure
CREATE TABLE log (m text);
CREATE PROCEDURE p(m text) LANGUAGE sql AS $$ INSERT INTO log VALUES (m) $$;

-- case: begin_atomic_function
CREATE TABLE ba (v int);
CREATE FUNCTION ba_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM ba; END;

-- case: overloaded_functions
CREATE FUNCTION o(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION o(text) RETURNS int LANGUAGE sql AS 'SELECT 2';
CREATE FUNCTION o(int, VARIADIC text[]) RETURNS int LANGUAGE sql AS 'SELECT 3';

-- case: out_params_and_table_functions
CREATE FUNCTION tf(OUT a int, INOUT b text) LANGUAGE sql AS $$ SELECT 1, b $$;
CREATE FUNCTION tt() RETURNS TABLE (x int, y text) LANGUAGE sql AS $$ SELECT 1, 'a' $$;

-- case: aggregate_simple
CREATE FUNCTION sum_sfunc(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
CREATE AGGREGATE mysum(int) (SFUNC = sum_sfunc, STYPE = int, INITCOND = '0');

-- case: aggregate_star
CREATE FUNCTION cnt_sfunc(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1';
CREATE AGGREGATE mycount(*) (SFUNC = cnt_sfunc, STYPE = bigint, INITCOND = '0');
CREATE VIEW uses_count AS SELECT mycount(*) FROM pg_class;

-- case: aggregate_moving
CREATE FUNCTION s_add(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
CREATE FUNCTION s_sub(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 - $2';
CREATE AGGREGATE msum(int) (SFUNC = s_add, STYPE = int, INITCOND = '0',
  MSFUNC = s_add, MINVFUNC = s_sub, MSTYPE = int, MINITCOND = '0', PARALLEL = SAFE);

-- case: aggregate_finalfunc_combine
CREATE FUNCTION avg_acc(int[], int) RETURNS int[] LANGUAGE sql IMMUTABLE AS 'SELECT ARRAY[$1[1] + $2, $1[2] + 1]';
CREATE FUNCTION avg_comb(int[], int[]) RETURNS int[] LANGUAGE sql IMMUTABLE AS 'SELECT ARRAY[$1[1] + $2[1], $1[2] + $2[2]]';
CREATE FUNCTION avg_fin(int[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT $1[1]::numeric / nullif($1[2], 0)';
CREATE AGGREGATE myavg(int) (SFUNC = avg_acc, STYPE = int[], FINALFUNC = avg_fin, COMBINEFUNC = avg_comb, INITCOND = '{0,0}', FINALFUNC_MODIFY = READ_ONLY);

-- case: aggregate_ordered_set
CREATE FUNCTION os_acc(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT coalesce($1, '''') || $2';
CREATE FUNCTION os_fin(text, int, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE AGGREGATE os(int ORDER BY text) (SFUNC = os_acc, STYPE = text, FINALFUNC = os_fin, FINALFUNC_EXTRA);

-- case: aggregate_hypothetical
CREATE FUNCTION h_acc(internal, VARIADIC "any") RETURNS internal LANGUAGE internal AS 'ordered_set_transition_multi';
CREATE FUNCTION h_fin(internal, VARIADIC "any") RETURNS bigint LANGUAGE internal AS 'hypothetical_rank_final';
CREATE AGGREGATE myrank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = h_acc, STYPE = internal, FINALFUNC = h_fin, FINALFUNC_EXTRA, HYPOTHETICAL);

-- case: aggregate_sortop
CREATE FUNCTION m_acc(int, int) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT greatest($1, $2)';
CREATE AGGREGATE mymax(int) (SFUNC = m_acc, STYPE = int, SORTOP = >);

-- case: window_function_and_leakproof
CREATE FUNCTION lp(int) RETURNS bool LANGUAGE sql IMMUTABLE LEAKPROOF AS 'SELECT $1 > 0';

-- case: function_comment_grant
CREATE FUNCTION secret() RETURNS int LANGUAGE sql AS 'SELECT 42';
REVOKE EXECUTE ON FUNCTION secret() FROM PUBLIC;
COMMENT ON FUNCTION secret() IS 'no public';

-- case: function_default_using_table_type
CREATE TABLE rowt (a int, b text);
CREATE FUNCTION rowf(r rowt) RETURNS text LANGUAGE sql AS 'SELECT r.b';

-- case: event_trigger
-- needs --trust-file: CREATE EVENT TRIGGER installs a function
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER et ON ddl_command_start WHEN TAG IN ('CREATE TABLE', 'DROP TABLE') EXECUTE FUNCTION evt();
CREATE EVENT TRIGGER et_off ON sql_drop EXECUTE FUNCTION evt();
ALTER EVENT TRIGGER et_off DISABLE;
COMMENT ON EVENT TRIGGER et IS 'watch';

-- case: function_in_other_schema_with_search_path
CREATE SCHEMA lib;
CREATE FUNCTION lib.twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
CREATE TABLE uses_lib (a int DEFAULT lib.twice(2), b int GENERATED ALWAYS AS (lib.twice(a)) STORED);
INSERT INTO uses_lib (a) VALUES (5);
