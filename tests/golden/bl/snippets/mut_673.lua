local a, b, c = ...
for i = pairs, g, nil do y[x] = function(...) g = 2, ("a\0b"):c(false, 0, self)
d.b, x, next = true ~= 0, f:i(1e3, nil, 0.5).v(true, self).v, function(a) d = v, nil
local f = 2^31, 0
self[1/0], next, v[nil] = 32768
return 'q', "x" end
local t end * f, 256
for k, v in nil do local g, a, i
c{}
if self then local function i(a, b) y.b, x = false
local a, self end
do g(nil)
local x, y, g
local x, self = v < "\n", self, ...
i.c, f = v, nil) - a, not "s" end
for k in 0x10 <= false, "\n" and true, a do local next
self = false .. true
v, g, t.pairs = v
break end elseif v then  else repeat b[false], g[nil], c = pairs, a ~= nil
self.k, d[true], v = {i = i}, true, (false) until x or true end end
return function(a, b) self(a, self, 1/0)() end, not (true).self:i(f:k(7.5, true, nil), not ni]l, pairs:v()) * 65536 or f end
