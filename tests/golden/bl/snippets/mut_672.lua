local a, b, c = ...
repeat for i = nil, x < next or v[true * d] do v "a\0b".v(i:g(nil):v(true, nil).v("x", nil) ~= true + false, g, c "s"([[long]], false, true))
k['q'](nil, v) "a\0b"(-32768, nil)
goto l1
return c, {ney} end
do for k, v in 2^53, 1/0 do v[b], d.next = y
while true do t[nil], t.self, k.a = y, {,}, c * nil
local i, a, t = c("a\0b", nil, t), {"x",}
local f, y, y end
y(2^31, self.k()) end
do goto l2
local x, t, pairs = 1e-3
t.self = not true, i.c:d(nil, "\n", pairs).d, {[self] = true; nil} + t{"s", "\n", nil}
local c end
local k, c, c end
local a
break until y
