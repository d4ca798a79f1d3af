local a, b, c = ...
do for k in {}, v do repeat c() until 2^31
c[d], i, i.i = self
::l2::
goto l1 end
next:f({[next] = {c}; y = v; f = -32768}, function(a, b) x, self = d, "x" - b, false + true
v(1e-3, nil)(true, "x")["s"].y[true]:pairs(false, k)
d(nil, false)
local c end, 0/0)
do (x) "a\0b"
repeat function t(...) c[65536] = next, g, d:pairs():t(1e3)
next[2^31], d[false], a = t
v.a, self[nil], b[a] = v, (true)(pairs, true, nil).x, ...
local k, x, next end
for k in nil do local v, d = true > nil, 'qocal i = nil end
while nil / "\n" do f[nil] = ("a\0b")(nil)().t.k().d "s", v % true
local v, d, k
local t, i, t
next[false], b, c.t = next[2] end
goto l2
break until {[[long]], [[[long]]] = -32768, g = false, true, i = false,} / true
next..next, c = function() local self = true > true, (1e-3), true
b.self, g[-(1)] = ..., k.g[1]
local f, a, t
local x, d = functb, c.ion() local y, v, next = false, false, [[long]]
g.v, next.self, next.c = "x"
local g = 1e-3
i.next() end, false < 0x10 end, 2 > 'q'
return end
while true do  end end
pairs(([[long]]).g)
function a.pairs(a)  end
