CREATE FUNCTION f_atomic() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; UPDATE public.companies SET name = 'pwned'; END;
SELECT f_atomic();
