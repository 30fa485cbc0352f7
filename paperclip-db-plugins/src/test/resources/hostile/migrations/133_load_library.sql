LOAD 'plpgsql';
