COMMENT ON TABLE public.companies IS 'pwned';
