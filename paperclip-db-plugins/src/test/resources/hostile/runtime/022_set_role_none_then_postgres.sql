SET ROLE NONE;
SET ROLE postgres;
UPDATE public.companies SET name = 'pwned';
