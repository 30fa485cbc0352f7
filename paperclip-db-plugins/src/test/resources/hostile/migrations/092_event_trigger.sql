CREATE EVENT TRIGGER e_evil ON ddl_command_start EXECUTE FUNCTION suppress_redundant_updates_trigger();
