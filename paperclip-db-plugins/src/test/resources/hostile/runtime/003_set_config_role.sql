SELECT set_config('role', '${superuser}', false);
UPDATE public.companies SET name = 'pwned';
