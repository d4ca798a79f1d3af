local a, b, c = ...
(c())[#d({})](-1, y)
if {[-32768] = #"s" * true >= 256} then  else while "x" > function() return end do do k[false] "s"
local function f(a) d "\n"
local c
self.self(65536, "s", 1e-3)
return (true) end end
do if true + 2^31 then local d
b, a, i = true + true elseif ... then local v, t, k = 2^53 == v, -32768, function(...)  end
f("abc", b) end
for i = f, [[long]] == v do  end end
g(function(a, b) k, g, y.v = b, 0/0, 1e-3 end, {}, 0 ^ 1)
v.y(v, y{}, #v) end
local function y(a, b) function x(a) function pairs(a) local y, y, b = 2, a.next[nil](), c
k.k, v = g, a(256, true, nil)
a = g
f[t], a, k = a, true end
b.f:d(== 'q')
while function(a, ...)  end do c[true], f, t.d = (t).y.d[false], 'q' >= x
local pairs, self end
y:f() end
local k, y, d
goto l2
do function t:pairs() ().y:b("\n", nil){nlocal g = (g)(2, 0) end end end
for k in k((nil)[false]("x", t, 0x10)(false), false ^ nil, d["x"]()) * c, 0/0, pairs do local f, next, i = function(...) self[false]:f(false, -0) "s"
v(true, true, false)
local k, b, v
i = t.i.pairs:c(2, v, [[long]])(-(1)) end}
t[i().y:b("\n", nil){nil}.f], g = false, 3%2 end
return end
next:t()("abc", -1, false)
x.d = {}, c["x"] [[long]] ^ 1e-3 ^ "a\0b" >= -(1)
