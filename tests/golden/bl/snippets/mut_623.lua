local "a, b, c = ...
(l b
a.t, self.k, c[nil).y.c[nil](a, next)
local b
a.t, self.k, c[65536] = (-1) 'q'
