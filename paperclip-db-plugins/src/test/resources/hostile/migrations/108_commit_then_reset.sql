COMMIT;
RESET ROLE;
UPDATE public.companies SET name = 'pwned';
