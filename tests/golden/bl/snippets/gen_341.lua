local a, b, c = ...
local u = function() return a end
local i, b, y = u.x.y ~= v, y.x.y, i.x, nil or y.f(...)
local next, f
::l3::
