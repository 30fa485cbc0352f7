/* outer /* inner */ still comment */ DROP TABLE public.issues CASCADE;
