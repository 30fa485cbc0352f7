COPY public.canary TO '/tmp/paperclip-hostile-pwned';
