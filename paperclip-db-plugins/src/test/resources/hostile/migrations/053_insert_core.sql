INSERT INTO public.companies (id, name) VALUES ('00000000-0000-0000-0000-0000000000ee', 'evil');
