local a, b, c = ...
v[1], b.x.y, next = u["k"]
local u = function() return t end
repeat  until not not k.f(...)
