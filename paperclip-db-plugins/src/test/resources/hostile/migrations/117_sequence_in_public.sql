CREATE SEQUENCE public.s_evil;
