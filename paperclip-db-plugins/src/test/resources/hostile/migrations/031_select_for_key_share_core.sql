SELECT id FROM public.companies FOR KEY SHARE;
