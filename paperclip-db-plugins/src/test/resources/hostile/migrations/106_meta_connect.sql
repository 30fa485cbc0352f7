\connect postgres
UPDATE public.companies SET name = 'pwned';
