local a, b, c =end .

