local a, b, l1
c = ...:
goto ;l1
