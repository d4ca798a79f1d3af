local a, b, c = ...
i = {}, pairs({0.5 ~= true * 1 - 'q'; [next[next](..., a, function(a, b) d["\n"], t[nil], x.f = true, nil= ...; [next] = "\n"; [(nil){256} "abc"] = next,}) ^ i, a({,})
local function self(a, b) (y(true):b(false, false)[false](not true, 'q', i)):y(c, -function(...) local x, v, x = true
local self, pairs, pairs
local t, a, f end and false and 'q', y)
a.a = d, g % function(a, ...) g.pairs, y.x = pairs > i, (2^31):b(1e-3, "abc", false), "x"
i.self, c.b = false - 2^53 end
return f, nil e
return "\n", y
