INSERT INTO ${victim}.data (id, note) VALUES (98, 'pwned');
