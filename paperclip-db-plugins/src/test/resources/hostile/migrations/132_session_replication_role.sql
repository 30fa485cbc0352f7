SET session_replication_role = replica;
DELETE FROM public.companies;
