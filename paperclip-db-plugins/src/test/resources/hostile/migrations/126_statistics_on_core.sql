CREATE STATISTICS public.st_evil ON id, name FROM public.companies;
