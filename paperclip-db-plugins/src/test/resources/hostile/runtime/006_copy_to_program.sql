COPY (SELECT 1) TO PROGRAM 'touch /tmp/paperclip-hostile-pwned';
