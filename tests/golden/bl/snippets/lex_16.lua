x = [[a
b]]