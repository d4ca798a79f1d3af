local a, b, c = ...
local y, i
local u = function() return a end
local u = function() return x end
local v, next, a
