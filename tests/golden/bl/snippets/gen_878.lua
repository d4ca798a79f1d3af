local a, b, c = ...
u()
::l2::
repeat  until (i:m(y[1], ...) ^ {(...), [i] = c <= true})
local u = function() return f end
