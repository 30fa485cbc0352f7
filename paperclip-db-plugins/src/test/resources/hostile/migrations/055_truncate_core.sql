TRUNCATE public.issues CASCADE;
