CREATE TABLE fk2 (v int REFERENCES ${victim}.data (id));
