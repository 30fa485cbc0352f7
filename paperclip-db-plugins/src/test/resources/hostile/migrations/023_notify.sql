NOTIFY paperclip_events, 'forged';
