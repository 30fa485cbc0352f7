GRANT pg_read_all_data TO CURRENT_USER;
