SELECT lo_export(lo_from_bytea(0, 'x'), '/tmp/paperclip-hostile-pwned');
