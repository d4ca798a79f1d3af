local a, b, c = ...
local function i(a) goto l3
::l3::
local u = function() return u end
::l2::
::l1::
return end
