local a, b, c = ...
x(...)
local u = function() return c end
local self, i, x, v = k:m("next", ...), 0, a[true]
