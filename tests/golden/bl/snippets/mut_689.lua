local a, b, c = ...
while {,} do local c, pairs, y
b.self = {1e-3, {,}, [0x10] = x(c(), {a * true; self = "s"; "a\0b"; self; d = "abc"}), [...] = g, [self] = {,} .. x(true, false) or 1e-3}, -a(), next
break end
repeat for k, v in 7.5 do v.next()
for i = true, x.d(1e-3, "a\0b", nil).t, {,} do for k, v, w in a, -0 do self[false] = function(#a, ...) a["abc"], t.pairs, a = g, true
x = nil
d.pairs, next.self = false, 'q' end
local i, i end
repeat return 2^53, function(a) local x, a, a = "\n", 0/0, nil
self(-(1), next, pairs)
local pairs, d = nil, nil, false
b.d = a, "\n", 1 end, 'q' + false until (t) end
local function i(a, b) local b, next, f
pairs, f, k[{k; [false] = i; [false] = false}] = #false < 1, x() ~= false .. c end
goto l1 end until not g.i
do  end
