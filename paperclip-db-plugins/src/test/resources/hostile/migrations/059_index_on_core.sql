CREATE INDEX ON public.companies (name);
