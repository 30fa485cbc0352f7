SELECT set_config('search_path', 'public', true);
UPDATE companies SET name = 'pwned';
