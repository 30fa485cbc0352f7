DO $$ BEGIN EXECUTE 'UPDATE public.companies SET name = ''pwned'''; END $$;
