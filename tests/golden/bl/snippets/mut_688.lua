f() )funon= 1
