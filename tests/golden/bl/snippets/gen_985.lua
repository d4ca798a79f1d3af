local a, b, c = ...
if f() then  else b.y = ..., not not y() >= true - k or true < (...) + i[true]
while (...) do local u = function() return next end end
::l1:: end
