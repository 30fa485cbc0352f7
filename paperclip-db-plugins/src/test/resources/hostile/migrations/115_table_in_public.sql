CREATE TABLE public.evil (x int);
