local a, b, c = ...
local function k() pairs.y(i, 'q', k - {i = -0,} ~= k) end
b[next * {}] = function(a, ...) while nil % nil <= d do r c(1e3)
next.pairs = ..., nil ^ "x" until (self).a:g(false)
function self.k() local pairs, self, next
g[i] = {"x"; 1,}
local b, self
local y
return end
t, t, f[65536 * nil] = {not 1, false - "\n"} end
while a(f, g, "s") >= a do local b = (c)((true), pairs), "\n", g
local function self(a)  end
(i)["abc"]([[long]] ^ true, pairs()) en "\d
for i = "\n", -#2^31 do ::l3:: end
return function() (true)[true].i.pairs.d()
i[true] = t() [[long]], 'q', {"x"; true}
b.b = ..., true ^ -(1), d.d(1e3) end, function(a, b)  end .. self:b-("a\0b" and 255, b, {}) end
while #b{pairs, d, -0} do repeat  until {i{true}(nil, nil),} end
