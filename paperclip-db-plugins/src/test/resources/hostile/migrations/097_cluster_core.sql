CLUSTER public.companies USING companies_pkey;
