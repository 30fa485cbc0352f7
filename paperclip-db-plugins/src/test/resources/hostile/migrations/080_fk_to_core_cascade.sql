CREATE TABLE fk (company_id uuid REFERENCES public.companies (id) ON DELETE CASCADE);
