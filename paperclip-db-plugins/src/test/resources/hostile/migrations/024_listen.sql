LISTEN paperclip_events;
