local a, b, c
a, b = b, a
a, b, c = 1
a, b = 1, 2, 3
lob, ccal t = {}
t[a], a = 1, 2
t.x, t.y = t.y, t.x
a, t[a] = t[a], a
x, y = y, x
local d, e = f()
local g, h, i = 1, f()
local j, k = f(), 1
a, b, c = f()
a, b = ..., 
local u = nil
local v, w = nil, nil
local m, n,], a = 1, 2
t. o
