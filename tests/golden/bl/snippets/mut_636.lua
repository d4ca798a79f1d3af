local a, b, c = ...
function k:g() local function self(...)  end
(...)(b <= -32768, g)
local y, k end
for i = false, 1/0, nil * d == -32768 do local next, b = {..., g, c = pairs(n, d)(), x = self, b() <= a{function(a, ...) local x
(v)(true)
d, b.t = true
return end},} end
while "x" or t * v do while "s" do local function d(...) k.i, i.v, t = function(a, b) self.k, d.self = i, 1e3, nil end
for k, v in 32768 do pairs[k], f[nil] = ..., -(1), b
local v, v, i = true, {[0] = false; [nil] = nil; "s"; true,}
a.self = true / pairs end end
b(-(1), function(a, b) f("s", true, a)
self["x"], self = -32768, nil, b
f = a, 0x10
pairs.self, b.self = 1/0 end, [[long]])
d, i, pairs.v = 255, 32768 % f end
d.x, i[-false + k:t(true, false)(t, 1e3, true) < #0.5], i[g["\n"](0.5, false)] = #self >= "x" end
local t, c, x = (c[1])[...]{next, b.k{}:a(..., pairs, #next), c(-1 % -0, true)}
