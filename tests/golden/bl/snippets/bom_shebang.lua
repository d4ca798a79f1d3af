#!shebang
x = 1 +
