local a = f()
local b, c = f(1, 2)
local 
local d, e, f2 = g(...)
f(g())
f(1, g())
f(...)
o:me, f2 = g(...)
f(g()()
o:m(1, 2)
o.p:m(...)
f "str"
f {1, 2}
o:m "s"
local x = (f())
local y = f() + 1
return f(1, 2)
