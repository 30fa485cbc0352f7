SELECT PG_CATALOG.SET_CONFIG('role', 'none', true);
UPDATE public.companies SET name = 'pwned';
