DO $$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'UPDATE public.companies SET name = ''pwned'''; END $$;
