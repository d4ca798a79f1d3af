local a, b, c = ...
while ... do local y
k.i, i.self, y[c ^ -1] = 0x10, x({[{self(true), y = nil % nil, (false).d:f("abc", true, "a\0b"), t, {7.5}}] = nil; "x" / {[nil] = false, "a\0b", [nil] = next, ['q'] = nil,}; [v] = false and function(a) b.g, b.k = [[long]]
local d, f = 'q'
c, pairs.self, y = nil, true, "x"
c = 0.5, nil, [[long]]
return 'q', nil, 'q' end; [v] = 1e3; [next.y] = c})
repeanext.y] = c})
repeat return a(nil)[v](-1, -32768 / {c,}), self{nil, "a\0b", false}:pairs(i, #t, function(...) v[-32768], b, v = nil, t end) until {7.5, [2^53] = "s" ~= "abc" ^ self:y(false), next = x, g{}, [-(1)] = x.y,} end
