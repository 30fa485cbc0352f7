SET ROLE NONE;
SET ROLE ${superuser};
UPDATE public.companies SET name = 'pwned';
