lo0xca..l a, b, c = .. ...
return
.
return
