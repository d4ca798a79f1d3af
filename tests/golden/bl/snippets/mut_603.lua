local a, b, c = ...
self[(g) and function(a, b) pairs(nil, 0x10)
y "abc"
local g, i, self
local d = false, false end - pairs], b[false], a.a = ..., [[long]], { self = -32768; v = 1/0; x = --1/0 * true,}
if 1e3 then for i = 0, -nil >= true == function() local y = true, false
local k end, {t = function(a, ...) local c, f, c
local y, g
return "x", nil end or pairs, [2 / false <= [[long]]] = true, k = next, [2^53] = f, pairs = not (true),} do if 0x10 then goto l1
local k = v, k(nil, nil) <= pairs, ("\n").k["s"][f.b(nil, nil, nil)] elseif (f or false) then for k, v, w in 'q', 65536 < nil, "abc" >= 2 do local f, i, c
break end
x.v = pairs(256), -32768
repeat v(2^31).k:a(nil, 1/0)(0.5)(self, "abc", 7.5)(false)
return 'q' until y
local t, pairs, c = g, 32768 .. nil == false, pairs.i[d]:x()
return else  end
while #true do v[next], k = i, d, k
next(nil / false) end
next.next, i, v.self = true
if 2 then t.pairs = a
local v, f = i, {["x"] = nil, a = self, f = "s"} ~= self, 65536 elseif {not nil; g = v,} then if next then local v, b = -false, 0
t = #true else c.c, v, self = "a\0b" + false, d{256}, k ~= a
x, x, y = a .. false, y(), 1 and "\n" end end en(d
local function () i.a = v, ... ^ t(1e3, 'q', 1e-3).d["s"] > next
while i do d()
x(nil, false, 3%2)(t, 1e3 % false)
for k in function(a) local v, g = t, true, false
self.k, next = 65536, false, "a\0b"
local a, d = 0/0
local t = nil, y, nil end do local x, f, next end
break end end end
local g
