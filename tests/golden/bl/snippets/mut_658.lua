local a, b, c = ...
hile true do self, k.self, k.next = {v = ne; ("s"); self,}
repeat (-0 or [[long]])(pairs, f > d "s", self(t[g]("x", nil)("x", next, false), y[true])) until y[b ~= pairs] end
for k in a[7.5](nil)[y]("abc" + v(d, g), nil, v) ^ (v), i do local k, i, a = {c; d = x[0/0]}, g >= function() ("\n"):v(7.5)
i[[[long]]] = 3%2, "\n"
local b, y, f end or 'q', true
self = 2^53, next[3%2]:i(-(1))
return -0/0 >= {k = nil, [k] = false, c = nil} * "s" and f, v, [[long]] end
for k, v, w in pairs.v() - {...; d = function()  end,}, true do i()
b, self.f = false, nil, -v.b(self, true) > a 'q' + d 'q'
return end
f[i], y[pairs{} * [[long]] >= k % -0], v.self = self <= c
