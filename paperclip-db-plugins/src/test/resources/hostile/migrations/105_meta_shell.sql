\! touch /tmp/paperclip-hostile-pwned
