local a, b, c = ...
 nextlocal b, b, self
self.b, t[a("a\0b", #g)], t[pairs(g(true, true).next:i("abc" >= c), g)] = 65536 * {[c] = function(...) local b, g, g
local i, i, f end}
while "\n" do return v, true, b("s", d.a(false, next.a[y].f, next) < g) end
