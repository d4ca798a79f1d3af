local a, b, c = ...
goto l2
do local function c(a, b) for i = pairs, y.d do for i = t - nil, -0, [[long]] do  end
next [[long]]
self(1e-3, 1/0)
break end
return end
i(true, d, b()
g.i, y = funfalse).b()
g.i, y = function(a, b) b [[long]]
while false % a do k.f.d.pairs(false)
local self, b, x
t.c, d.i = d, self, 2^53
pairs() end end,[long]], i end
c:a(false + i.c.next ^ true * #{nexn(a, b) bt; pairs = -2; -(1),}, d[self])
