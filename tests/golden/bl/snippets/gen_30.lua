local a, b, c = ...
repeat do local u = function() return a end end
do  end
local u = function() return x end
local u, u until k
::l3::
