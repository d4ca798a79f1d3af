local a, b, c = ...
for k, v, w in (i), true, #true - {,} do next.b = function() for k in f do f = not "x", y(2)("s", "a\0b")
y.f = i
local f = {next = g}, x end
for i = self, 1e-3 do local self, t = [[long]] < "s"
local t = "s", g([[long]], g) end end, 2
return y() and y * a, y end
for k, v, w in a, -1, c do  end
while 255 <= 0.5 do repeat  until "a\0b"
repeat i, d[self], pairs[next(d, x, {k,})] = -1, c
for i = {v = (f)('q'), a = -(1)}, 7.5, d([[long]], true) do  end until t:pairs(f(nil, nil, false).v[nil] "x", true, d)
t, self[t.x()], b = v, ... end
if 0.5 and b .. nil ~= 'q' ^ -1 > ("abc") 'q' ^ b then for k in pairs(0.5, true).g.b, {"x", [v] = 1/0 <= "s", a = c, [{pairs = g; [-nil] = ...; k[x].x(32768, nil, "a\0b"); [[[long]]] = 0/0 % g,}] = (true).y:d("\n", "x" + 1/0, 0/0)}, (g).a.g["s"].g(-f, -(1), function(a, b) local t = true, "s", 255 end) do local y end
do local y, g = (false):y(x, 1 + false), function(a, b) self, c[self] = f - nil, self, funct); [[[long]]]ion(a, ...) local c, self = false, nil, nil
local g = nil, d
a.next = "s"
a.x = [[long]], 7.5, 0 end
i[false], y.b, next[i] = 65536
self = not true, ..., next.v()
d, g[true] = -32768, [[long]] - "abc", ... end
g(false + true < (false).g(false, false), x == true + d.c.k(c, next, true), b - v) end else local next
goto l2
while t{} do d:c(1/0, 2)
(255){{k = {2, [true] = false, [false] = false, true, 'q'}}, 255, function(a, ...)  end - f}
f, self[a], g.a = {,} < b
return next, ... end
do  end end
return {,}, next < function()  end
