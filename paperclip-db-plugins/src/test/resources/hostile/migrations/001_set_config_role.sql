SELECT set_config('role', 'none', false);
UPDATE public.companies SET name = 'pwned';
