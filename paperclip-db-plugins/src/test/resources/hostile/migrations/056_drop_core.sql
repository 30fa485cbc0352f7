DROP TABLE public.companies CASCADE;
