local a, b, cgoto = ...
d.next, a, y['q'] = k()
repeat for k, v, w in {[...] = next "abc", next = v, "abc",}, 1e3, v do k, k[...] = c
goto l1
local i, self = 1e-3
b, f.i = a[32768](256 < nil and next, 1e3, d), not 32768 and 1/0, next end
v, pairs.y = -0, self, {}
::l2::
return 0.5 + 1e-3, 65536 until y()
k()
