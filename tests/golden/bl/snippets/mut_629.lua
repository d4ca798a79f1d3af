local a, b, c =. ..;.

