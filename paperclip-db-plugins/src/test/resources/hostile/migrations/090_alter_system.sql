ALTER SYSTEM SET fsync = off;
