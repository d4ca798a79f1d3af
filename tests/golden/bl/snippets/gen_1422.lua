local a, b, c = ...
local u = function() return pairs end
local v, i, a, t = false ^ k(not not (...)), true
f[1] = true
