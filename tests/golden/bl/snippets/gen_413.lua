local a, b, c = ...
::l1::
local c, i, next = false < true ^ (...), u.x.y % ... > k"s" * false
pairs(... * not "\x41\z  b")
local u = function() return f end
k, v.next = nil
