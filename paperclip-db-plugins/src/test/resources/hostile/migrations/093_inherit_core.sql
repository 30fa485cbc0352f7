CREATE TABLE child () INHERITS (public.companies);
