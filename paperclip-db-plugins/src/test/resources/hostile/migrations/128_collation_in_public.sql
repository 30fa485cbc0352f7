CREATE COLLATION public.c_evil (locale = 'C');
