SELECT dblink_connect('dbname=postgres');
