x = 5 -- c
y = 2
z = y + "a