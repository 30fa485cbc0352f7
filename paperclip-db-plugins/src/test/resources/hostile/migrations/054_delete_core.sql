DELETE FROM public.agents;
