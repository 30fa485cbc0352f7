INSERT INTO "PUBLIC"."companies" (name) VALUES ('evil');
INSERT INTO "public"."companies" (id, name) VALUES ('00000000-0000-0000-0000-0000000000ef', 'evil');
