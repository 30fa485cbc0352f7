REINDEX TABLE public.companies;
