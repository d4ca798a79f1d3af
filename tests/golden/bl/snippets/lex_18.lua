x = "a\
b"