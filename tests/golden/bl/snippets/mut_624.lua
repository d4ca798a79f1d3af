local a, b, c = ...
do function b() function g.b() if {[[[long]]] = next} then local a, next, i = (1), i, false ~= true
k, t['q'], x = y
f[f] = v, 0.5, a
v.a = function(a) local i = nil, c, false
i[nil], v.k, v = "s", false, 0/0
v.pairs, d[true], v["\z-32768] = "s"
pairs() end, c, (2){"a\0b"} else local pairs, g = y - 1
local g, f, d end
y[true][false]()
::l2:: end end
::l3::
while 2^31 do local function d(...) repeat i, g.pairs = "abc"
i[true]().c{"s"} until (true){} end
while 1e-3 do local function t(...)  end end
local function i(...) while 3%2 do break end
a.pairs, x = {...,}, [[long]], y or (true)
::l1::
return end
local x, i, self = -..., function(...) x{1, true, nil}
i.pairs, y.a, self = function(...) return 256, [[long]], i end
return end
break end
local self = true end
function x(a) local function x(a) ::l2:: end end
return
