local a, b, c = ...
if i{} then (nil)(false >= false > b(b, [[long]]) "a\0b"(2^53, false) or (nil).next[x].c{nil >= 0x10}, -pairs(c, "\n", -32768) > not y)
a:y(y) else c(b)
goto l2
while i(-32768, t) or pairs >= #false * g:k(nil, "a\0b") do local t, next = y / (-1) ^ i, 1/0
repeat while nil >= false do local c end
do  end
f(self.d{b, true, false}(true, true)) until 0/0
(nil)[(-0)(next)(true, "abc", nil)]()
self.self.v:v(v)
break end end
next((0.5)() == next and true == {[true] = true, [3%2] = true, [t] = "a\0b", next = nil}, "abc", not function() d:b(false, "x")
t, d = -1 * 1e3..., function(a, ...) k:k(d, "s", true)()
x.f, f, t = false, c, 1e3
local self, g, k
return end, t
pairs:v(true, "abc", 'q') end)
