ALTER TABLE public.companies ADD COLUMN pwned int;
