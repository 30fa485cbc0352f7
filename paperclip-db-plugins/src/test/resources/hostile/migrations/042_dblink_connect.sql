SELECT dblink_connect('host=127.0.0.1 user=postgres dbname=postgres');
