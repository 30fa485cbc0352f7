INSERT INTO ${victim}.data (id, note) VALUES (99, 'pwned');
