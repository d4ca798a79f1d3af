local a, b, c = ...
f.x.y = function(a, ...) local a, c, b, f = ... + 0, (...)
::l2::
u()
return (f()) end * ({}), (((nil > - -2) >= {2^-1074} <= b.f(...)))
