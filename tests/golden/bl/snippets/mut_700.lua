local a, b, c = ...
return function(...) repeat for i = a, true, true do v()
k.a, y.t = v, true and [[long]] end
f.y = f .. g
::l2::
repeat d.b = 0, "s" + "x" until "\n" + false until ... <= ...
if true then for k, v, w in nil, function(...) local b, b
local b = 2, false, 0.5
b[false], a = false end do local x
return end
local pairs, c
x:d(nil, "a\0b") "\n".next:v(2, g, "s") "abc"
for k in true do local self, d, y
f.self(false, a)
local x, next, next = nil / true, x
next, next, x[a] = 1e3, b + false
return f, {[3%2] = 2^31} end elseif {self = "a\0b"; ["s"] = "a\0b"; [-32768] = nil; true; nil,} - function() local pairs, pairs, g = nil, nil
local i, b, c = c, t, false end then repeat local k = [[long]] ^ 0/0, nil or i, 0/0
f.k, v = k(), g
return "s" until ("x")(nil, false, "x") else local k, x, v = (a) ~= {"\n"; [v] = 0.5; pairs = x; [false] = 256; ["s"] = false}, v:c()
for i = i, g, d do local c, k, pairsnext.t, v = {"\n", t = "\n", nil,}
local c, next end
do  end end
return 2^31 + i[true][-0](pairs, pairs(false, 1e-3)), b ~= {"a\0b" / c, [[long]] / "a\0b", {}} end
