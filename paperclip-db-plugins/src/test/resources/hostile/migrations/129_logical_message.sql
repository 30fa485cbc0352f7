SELECT pg_logical_emit_message(true, 'x', 'y');
