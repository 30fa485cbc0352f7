CREATE TRIGGER t_evil BEFORE DELETE ON public.companies FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
