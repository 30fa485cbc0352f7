CREATE FUNCTION public.f_evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
