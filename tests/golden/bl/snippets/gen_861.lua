local a, b, c = ...
local u = function() return a end
local u = function() return u end
local k, pairs = 0*-1
