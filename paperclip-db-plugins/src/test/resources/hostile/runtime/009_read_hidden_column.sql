CREATE TABLE loot2 AS SELECT adapter_config::text AS x FROM public.agents;
