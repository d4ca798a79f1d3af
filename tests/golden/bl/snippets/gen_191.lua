local a, b, c = ...
::l3::
for i = function(...)  end, f["k"] do ::l3::
return ... end
local function b(a, b)  end
::l1::
