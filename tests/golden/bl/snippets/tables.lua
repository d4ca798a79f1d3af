local a = {}
local b = {1, 2, 3}
local c = {x = 1, y = "s", [10] = true, [1.5] = false}
local d = {1, 2, f(), g()}
local e = {..., 1}
local f2 = {1, ...}
local g2 = {a = {b = {c = 1}}}
local h = {[a] = 1, [b] = 2}
local i = {1, 2; 3; x = a, y = b}
local j = {[0] = 1, [1] = 2}
local k = {f()}
local l = {nil, false, true}
local m = {x = nil}
a.x = 1
a[1] = 2
a[b] = 3
a["s"] = 4
a[300] = 5
a.x.y.z = a.y[1][2]
return a, b, c, d, e, f2, g2, h, i, j, k, l, m
