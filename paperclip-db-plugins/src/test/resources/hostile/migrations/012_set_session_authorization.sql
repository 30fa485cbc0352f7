SET SESSION AUTHORIZATION postgres;
DELETE FROM public.companies;
