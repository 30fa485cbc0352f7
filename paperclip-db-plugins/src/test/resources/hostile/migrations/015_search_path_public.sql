SET search_path = public;
UPDATE companies SET name = 'pwned';
