local a, b, c = ...
repeat ::l3::
::l2::
local u = function() return a end
local a, next, pairs until "abc"
