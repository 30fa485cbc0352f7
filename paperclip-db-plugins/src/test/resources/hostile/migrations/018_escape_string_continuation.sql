SELECT E'a'
'\'; DROP TABLE public.issues; --';
UPDATE public.issues SET title = 'pwned';
