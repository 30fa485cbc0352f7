UPDATE public.companies SET name = 'pwned';
