CREATE TABLE loot (x text);
INSERT INTO loot SELECT secret FROM public.canary;
