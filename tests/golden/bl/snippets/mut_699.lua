local a, b, c = ...
for k in d['q']():y(0, {1/0}), t < t(1)(i(true, [[long]], true)) / (-32768)(3%2, false, nil){7.5 <= nil} do  end
local c
repeat for i = #... / not nil, [[long]] or false do for v, w in d(self, b % nil), function(a) b, a = nil, 1, -1
y(true)
g, i.self, k[nil] = [[long]], "\n" end, function(...)  end do function y.v(...) pairs.f, t, c[true] = #c
b[-1] = function(a)  end, 'q', false <= 3%2
self[nil] = -32768 == nil
d[true](true, "x") end
repeat pairs(true)
d[k], d, x = "a\0b" .. i, #'q'
local v, self, i = "abc", 1 until function(a) d[nil], x.next = nil
y = false, 255
(a)(false, true, [[long]]).y(2, k)
pairs["a\0b"], d, y[1e-3] = 3%2 end
while ... do local x, next = 256, pairs(nil), {true; 0x10; c = "x"; "\n"}
self, i[true], d[nil] = x, 'q' and nil end end
(nil):self(t(self, 0.5, false).f[next].k, x:c(false % false))
next[65536 % -1 .. true], y = -{}, function(a) local t, c end, {x = t:pairs(); [y(k)] = false; "abc"; ...; f} > b.k:c(-0)
a:a(pairs(nil, pairs[2][self]), y) end
goto l2
a:i(x(true, "s", false)())
for i = true, i(c, 0/0)[nil].t, "x" do g, b.next, i[function(a)  end] = 3%2, v{..., "s"}
local function k(a) goto l2
local self = true, d()[true](nil).a:y(false or false, "a\0b", (false)()), x
while not 1 do b.y, f[2], f.k = function(a) local y, f
g = false
local g, c, v
k(nil) end, g, false and false
local b, pairs = ..., 2^31, function(...) b.y, self, t = -0, "a\0b" end
b = next, {,}
break end
if nil ~= true then local d, x = not v, true, "x" * nil
local self, x, y
next = {self = false; [g] = 0x10; y = "x"; [false] = nil; ["s"] = nil,} elseif pairs() then return else  end end
while self(v, t, "\n" ~= 2^53) do do y.c = v.i[0/0] "\n".v, (1)(nil, "s")
g, c.self = 65536, true % nil
return [[long]] - "s" end
goto l1
break end
local i, i, self = k() end
return ... until function(a) if 3%2 then local k end
if false then local next
next[nil], t.v, d = {nil,}, {b = nil; false; d = false; -(1)}, nil and true
a(false)
local next, self else  end end
for k, v in x(k[nil])(k), -true >= 'q' > t:x(false == true, x) ^ self(('q'):y(true, false, [[long]])) >= function(a, b)  end do t:c({self = k:c({}, {[i] = 0, c = x, [nil] = false, true,}, {t = 1e3,}), -(1),}, next)
v = {c = a < -(1), y = nil % 0.5,} + not nil < g * -false and "a\0b" and {}, pairs < not nil + false / (false) and "\n", b(0x10)
goto l1 end
return 0.5
