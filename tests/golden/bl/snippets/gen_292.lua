local a, b, c = ...
k[1], u, x[1] = #pairs.x, (...), function(a, b) repeat  until self.x
b:m()
local y, x, u, next end and i[true], nil
next.v, k.next, v[u[true]] = self[1] < "pairs", {}, f"s", (nil)
