local a, b, c = ...
function x:d() a.v, next[...], c = b, 0x10
repeat v:a(...) until c(t) end
x = not -v
k()
do if false and (nil){false, false} == function(a, ...) f(g) end then k()
d.x = g, y, [[long]]
v{i, true or 0x10 - 3%2 == v, {v = d, b = 0/0, {}, b = "x",}} elseif "\n" then (true <= "abc")(true)
g.x, pairs[#nil >= true], pairs[nil] = nil
c, x = (nil).d{fution(a) d.a()
b = true, nil
k.self, f["s"], c[2^31] = true
d, pairs[g], x[false] = i end, false + self % x, t.t}
v[function(a, b) local d, pairs = nil, true, "a\0b"
f() end], t[7.5] = 0x10, #g == {} > 3%2 end
(a).k{function(a, b)  end, 2^53} end
