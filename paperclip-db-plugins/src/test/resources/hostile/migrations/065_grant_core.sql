GRANT ALL ON public.companies TO PUBLIC;
