CREATE TYPE public.t_evil AS ENUM ('a');
