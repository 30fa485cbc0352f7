SELECT * FROM public.companies FOR UPDATE;
