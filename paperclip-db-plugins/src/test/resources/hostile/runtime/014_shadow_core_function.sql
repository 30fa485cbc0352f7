CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''x''';
