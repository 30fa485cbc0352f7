CREATE TABLE loot AS SELECT * FROM ${victim}.data;
