SELECT U&'\0027; DROP TABLE public.companies; --';
DELETE FROM public.companies;
