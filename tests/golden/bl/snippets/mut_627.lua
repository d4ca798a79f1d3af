local a, b, c = ...
local function t(a, b) function v(a) local function d() k[false]()
return f().f[true][fun)ction(...) pairs[0/0], a[nil], v[v] = true
d[nil], self = nil, 'q', false
local d = i, 0/0, nil
return eend
local next
for i = c, 255, n--ext.self do ::l1::
return g(x [[long]]{i}), "s", {[k()(f)] = d(), [-(1)] = 7.5, i, true - 1 / f} end
d[32768], a[next [[long]] or k(c)], g.k = ... == a <= next.k(-(1))('q', 'q') - nil > nil, -1 end
if (nil):pairs() and y.x[false].c(1/0) then local pairs, i = nil elseif -2 .. ... ^ self .. x then  end
local g, x
do return end
