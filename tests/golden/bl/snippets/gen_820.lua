local a, b, c = ...
for i = x.x.y, true * "s" ~= pairs[0x7fffffff] do break end
f()
::l3::
for i = true, (not (function(...) a.x.y, a[#y], b = ... end)) do  end
