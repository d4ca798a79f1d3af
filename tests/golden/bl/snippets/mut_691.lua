local a, b, c = ...
local g, x, i1e = d, pairs, next
(c .. pairs)(pairs)
f = 1e3 * {{y.f:i(), g <= "abc", [2^53 < 255] = k, i or nil}, next = {a = #false; i = false + false,}} + "a\0b"
c[d.t](-1):self()
