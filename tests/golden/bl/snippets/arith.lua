local a, b = 1, 2
local c = a + b * 3 - a / b % 4 ^ 2
local d = 2 + a
local e = a - 1
local f = 10 / a
local g = -a
local h = a .. b .. "x" .. 1
return c, d, e, f, g, h
