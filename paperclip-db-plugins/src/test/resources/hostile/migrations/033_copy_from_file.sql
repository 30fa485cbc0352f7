CREATE TABLE passwd (line text);
COPY passwd FROM '/etc/passwd';
