SELECT pg_notify('paperclip_events', '{"forged": true}');
