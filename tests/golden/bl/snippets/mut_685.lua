local a, b, c = ...
for i = {}, function(a, b) x, v.b, b['q' == 0] = i.next[v]().x(true, v, false), {i = nil, f = true, k = nil, true,} or self
if nil * 2^53 then return d <= 256, #false end
f[0/0] = 1e3, 2^31
for k in b(v, b), function(a, b) k.t, b.pairs, d.pairs = g, -32768, nil
local x, t, i = 7.5
b[0/0] = f, false end, f do return not 2^31 end end, "abc" do function v.v(...) t.b = (function(a, ...) f.c, k = true, false
local c
x, x = true end)(), ("\n")({[[[long]]] = 32768, false, true,}, {n-ext = true}, i) - {[nil] = a; y = f{0/0}; t = v + true; not true; x = {x = "abc", [nil] = false, self = 2^53, ["\n"] = nil},}
self()
local x, g, k = false
local t = f, 65536 % pairs ^ i[65536] and 0x10, {[0x10] = ..., c / nil, self = 256, {[k] = b, g = true, [nil] = nil, [false] = "a\0b",}, t = y,} < {} end
do  end
do local g, f = x.b[true].k(true, true, 3%2)((d("x").x(nil, "a\0b", "x")), (true / false), 0.5 == false)
for k, v, w in function(...) local g, f, x = nil, false, a
(nil)()
local c, k, a = k, nil, true
k[false] = 2, 1e3 end do ::l1::
for i = [[long]], 1/0, pairs do local v, x, i
i, d[pairs] = nil == "x", b
local f, x, y = true or "a\0b", nil or "\n" end end
do repeat  until true
if t then local b, d, d = ("x")(), not true elseif a then local b, t = "x"
self[[[long]]], a[3%2], f = ("abc").y
local next = {self = nil, 2^53}, next
return else y['q'].i[b] "\n"
v, g = b, (true){true, -32768, self}
v[true], d[3%2], next = "x", g, 7.5 end
b, a, pairs = -0 .. false ^ "\n" < false, 0/0, self(self['q'].pairs(nil, nil, x), function(a, ...) local v, y end) end
local t end
c "s"
break end
function y.self()  end
