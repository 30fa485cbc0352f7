CREATE POLICY p_evil ON public.companies USING (false);
