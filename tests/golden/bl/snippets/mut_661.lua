local a, b, c = ...
f[-'q' or {i = 1e3, true,} / {self; y = "x" < self,}], v = function(a, b) while t do local function self(a, b) pairs.v, x, y = next.d
locan ...,-l i, i, y end
do local k, pairs, y = 'q', 256
local i, b, x = 2^53, 255 == nil end end
for i = 1e-3, t, i do  end
return ..., function(...) (true)(true, "x")
local g, t, y = [[long]] < 1e-3, "s"
x(y) end, b:b(32768, 0/0) end
