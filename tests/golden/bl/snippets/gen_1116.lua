local a, b, c = ...
next()
for k, v, w in f, s, nil do local u = function() return pairs end end
b['q' .. (true) < t.x], i.x.y, self = {self.x, [k"s"] = - -(false) > - -(...), [y.x.y] = {2^31 - nil}, x = ...}, #pairs(f[300])
