local a, b, c = ...
if y then f(i, y)[...].a{} elseif y - 1e3 then local b, x
local v, f, pairs = f, function(a, ...) g[true] = true
(nil)() end >= not "a\0b" <= se)(false, nil, nil) - function(a, ...)  end > 7.5 * "abc", {g = d, -[[long]] > false >= d ~= 255, t, self = -x(false, nil) > true, y ~= "x"}
::l3::
goto l2 end
self(255)
for i = 256, (pairs)(-{true} or x(function(a, b) x.y, k = "s", 1e3, 256
f.self = 'q'
local d, i, pairs = pairs, 1e3
d['q'] = v, 255, false end, "\n" % nil), [[long]], ...) do if f then c[next.x / d] = [[long]] and b{1e-3; ["x"] = fal.k.a(nil, true):i(t(b), nil * nil, {2^31,}), i "abc", v()
local function y(a, b) ::l3::
if a:k() then v = next, {}, "\n" * true
pairs[true] = function(a) b.d, next = "a\0b", 2^53
b[1e-3], v.g = 3%2, f end, c, true >= true elseif not "abc" then v = y, -32768
local y, g
local g, v else self = f
a, f = k[false]()[3%2][nil], {,}
local g = true .. true, 1e3, pairs % true end
function i(...) v.a = d
local pairs end
while function(a, ...) local g
local t = a
a["s"] "x"
local x, next, k = false, 256 end do d = k .. nil, ("s")()
("a\0b")(false, 256, nil)[false](0.5, nil)
local c, b = c
break end end
for i = i(false, 65536), b, self(false, false).y.self()(c, ..., k) do for i = function(...) return i end, true, ... do local x = (0/0).b[true] end
do t, t.next, y.self = next
c, next.b = #nil end end
k:b() else for k, v in "abc" > -(1) < {1e-3; ["x"] = false}, {[...] = i, y = {[false] = t, b, a = -1,}, function(a)  end}, not nil / true do ::l2::
while pairs.k 'q' do g[b] = x ~= "a\0b", {[d] = nil,}
b[1], f[-1] = true and 7.5, {c = "x"; true; [true] = a; ["s"] = false,}
b[nil], x = function()  end
local pairs end
k(true, i:d())
return end
local function c() g[-1] = {g = 2^31 < "abc"; k = {nil, [a] = false, [c] = 0x10}}
local pairs, pairs, pairs
i.pairs, g.pairs, a = y:g("s", true) + k, not 32768
local x, d = {}, 0.5 .. "\n" == nil end end
for k in k == pairs(), {v = true, 0/0, "abc", false, k = nil} + next("s", nil):b('q') or #x:b(), 255 do local x, next
break end
next[d][255](not v, i, c % false){k}
local function g(a) self "x" end end
b.g, x.y, d.t = a, b[b / {,}](y.next(self >= v(false, [[long]], false), y)) and pairs >= c < "s"
