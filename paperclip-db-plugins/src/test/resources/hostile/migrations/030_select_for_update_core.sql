CREATE TABLE held AS SELECT id FROM public.companies FOR UPDATE;
