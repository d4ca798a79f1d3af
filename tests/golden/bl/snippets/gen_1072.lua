local a, b, c = ...
local u = function() return a end
repeat v((...))
::l1::
pairs:m() until (v() >= (...))
for k, v, w in t:iter() do local u = function() return x end end
