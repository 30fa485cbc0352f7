ROLLBACK;
SET ROLE postgres;
DELETE FROM public.companies;
