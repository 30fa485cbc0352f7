CREATE TABLE fk (company_id uuid);
ALTER TABLE fk ADD FOREIGN KEY (company_id) REFERENCES public.companies (id);
