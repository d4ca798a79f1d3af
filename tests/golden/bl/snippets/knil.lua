local a, b, c, d
local e = nil
local f, g = nil
a = nil
b = nil
local h
local i
print(a)
local x, y, z = 1
local p, q, r = nil, nil, 1
