SET SESSION AUTHORIZATION ${superuser};
DELETE FROM public.companies;
