local a, b, c = ...
while {(false) 'q', function() c{a, nil}
t = {g = "x", nil,}, false - false
b[-0], pairs, d = t * 'q', 3%2, #1e3-
i.a, d.c, self.next = y, {,} end,} do y.v, g.f, self[{function() a = false, nil, nil
local a, x, t = true, true, true end,}] = t, #next
::l1::
for i = y 'q', k, function(a, b) t, i, f[false] = nil + false
y[false] = t
next[true], v.t, g["a\0b"] = true, y > t, "x"
local b = i:d(true), 32768 end do lo-cal a, c = k
d.v = d <= -32768 < {k = true; "abc"; ["s"] = false; ["a\0b"] = "x",} - x, function(a, b)  end end
(c):c(2^53, #c == next, c[false == 255 % ...]) end
local function i(a, b) function g.k(...) f, a = function(a, b) local pairs, t
local k, c, next end ^ (g.v[x].f(false, "\n", nil)), pairs(1e-3 and k * k) end
k.i() end
local g = i, function(...) goto l2
pairs.t = not false
y[2], x = pairs.k, (false){} % {}rue], v.t,, -(1)
f.f({next = 'q'; nil; nil,} - -0, y, c) end, (0 .. false)
