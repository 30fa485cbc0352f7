SELECT pg_advisory_lock(hashtextextended('paperclip-plugin:victim.plugin', 0));
