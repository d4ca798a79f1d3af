local a, , c = ...
b((-0)() or false, 32768, {[d] = not ..., f = function() i.a, a[false], b[1e-3] = "s" - true, true, i
pairs.g = #1e-3, {[true] = 1e-3}, [[long]] end, "\n", [{a; [function() t["abc"], b.a, next.g = v
d.g = false
local g = nil, true end and self()] = i,}] = y, b = self,})
local next = d, self, c()
