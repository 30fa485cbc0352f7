CREATE TABLE loot AS SELECT adapter_config::text AS x FROM public.agents;
