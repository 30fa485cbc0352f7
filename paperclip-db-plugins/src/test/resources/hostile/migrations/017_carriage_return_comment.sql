-- harmless noteDROP TABLE public.companies CASCADE;
