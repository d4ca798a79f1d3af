local a, b, c = ...
local x, c, x
repeat for k, v, w in functi
on()  end do for i = a, c do do v.self:y(nil, true)
pairs.d = "x", false / 255, -next end
function g:g(a) local v, d
y.a{nile, "s"}
local c = t.c, c, -false
local x, v, c = true <= 'q', #nil end end
i.a, x[y] = 65536
repeat b("s", nil - "x")
while {7.5, [nil] = pairs, x = "abc", [true] = t,} do i.k, c[32768], v.next = d, 3%2, next
y(nil, t, false)
break end
return until self{"x", a, {}}
x(..., {}) end until next.k < i
while a <= -32768 do repeat local b, f until {x = t(2, function(...) g[false].a[nil](d, nil, "x")
d = false, b
y(false, false)
local x = false, true end, (x):next()); a = ...; [d{}] = {...; -(1); a = b % 2^53; f = self.next[7local.5],}; k(i, 32768 > y); [...] = y.c.next} end
::l3::
