local a, b, c = ...
local f, k = (1 ^ - -2 and #{self, u = (...), i = ...} <= true or (255))
goto l3
::l3::
return a:m()
