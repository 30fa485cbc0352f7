this is not a backup
