CREATE VIEW loot AS SELECT secret FROM public.canary;
CREATE TABLE loot2 AS SELECT * FROM loot;
