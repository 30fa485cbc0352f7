CREATE VIEW public.v_evil AS SELECT 1 AS x;
