local a, b, c = ...
for i = g, true, "a\0b" do repeat local function v(a) for i = false > "abc", k * true, true == false do local f = not d, function(...) d.next = true, true
self(true)
next, a[false] = nil, "s", true end
return end
for k, v, w in a.a(), true do local next = nil < a, i + true
self, i.y, g.c = 2^53, f <= "s"
v.g = pairs(k)([[long]], 0)[true]{32768, -(1), nil}[true]{true}([[long]], false), b
return "\n" + [[long]], a end
local function i() local k, t = -false, true, f end
return not c, (true) + {}, {[a] = b; not self; self = i} end
for i = -v, {,}, {} do  end
f(-32768, v, -o l1
return not 256, not 1/0, false + function(a) local d end until {-x * true, #3%2 and nil, -1 and self["s"]()[false][false](0), i = a}
(next(pairs, function() local d
t:c(true, true, true)
k, x, d.pairs = true, t, "x"
local i, pairs = "x", "\n", false end, ...))(t <= t, k, ({[false] = 0.5, f = false,})[b])
local v
k{c(f)} end
c 'q'
(...)(a({[c] = ...} <= k, 1/0), false == -b(d(g) "abc", 1/0 > "x"), 256)
