local a, b, c = ...
for i = -1 % ##d, 255 / t[i[7.5]{0x10}]({[y] = nil ~= false, [d * [[long]]] = nil, self = [[long]], true ^ false}, v function pa{i "s", 'q'}, false or true < c) do c[f] "x"
if nil then local k, b = 1e-3
i(function(a) self, f.k = next, c, "a\0b"
d, d[false] = t, 2^53, nil
b[pairs], d.b, f.x = 0x10 end, #x) else for i = true, t[#65536] do goto l2
local function pairs(a, b) lairs, b = y
local v end end
y("x", c) end
b:g()
do b "x" end
return next < "abc" >= t - i(1/0), {}, "a\0b" end
local next, v
b()
