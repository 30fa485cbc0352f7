SELECT pg_catalog."set_config"('role', 'none', true);
DELETE FROM public.companies;
