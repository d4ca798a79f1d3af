local a, b, c = ...
local x = a .. b
local y = a .. b .. c
local z = "x" .. a .. 1 .. 2.5
local w = (a .. b) .. c
local v = a .. (b .. c)
return x, y, z, w, v
