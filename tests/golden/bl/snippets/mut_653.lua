local a, b, c = ...
if ... then local function b(a) function g:t() for i = nil - f, {v = v, b = true, [1] = false, d = pairs,} do local y, self, y end
if i "abc" 'q' then return else  end
repeat local pairs, t
local self, y = next [[long]](i, nil), nil and g, "s"
local i, b until t end
return c.x elseif self then return else local a = function(a) for k, v in f:a(b, "abc", 0/0), {pairs = nil; v = true; [true] = false} do t.a(true, nil)
local y, t = c, (true)(nil), pairs end end, c.next, 0x10 en= v, b = true, [d
