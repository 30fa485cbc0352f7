ROLLBACK;
SET ROLE ${superuser};
DELETE FROM public.companies;
