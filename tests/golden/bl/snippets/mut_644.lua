local a, b, c = ...
c[false] = next[...](#...), nil, d:next()() > c("\n" * true / y, not 0/0)
local a, y, v
local function a(...) goto l2
v, t[2], x[k ~= v] = d, b.k.self(1/0, "s"), {#{,} > false == nil}
do local functio
local next, t n i(...) g "a\0b"
next.g, self[function(a)  end], self = false and " self = false and s", d ~= {[true] = f,} end
local next, t = 'q', {k = false} ~= false ~= function() c.y = 0x10
next, next = y, nil
local self, self, next end, t ~= 1e-3
c.d() end
goto l1 end
