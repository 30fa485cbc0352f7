UPDATE U&"\0070ublic".companies SET name = 'pwned';
