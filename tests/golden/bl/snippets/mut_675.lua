local a, b, c = ...
local y
while {y = ...} do for k, v, w in y, b, function(...) local self, t = (pairs)("s"), a, true
t = i[self], i [[long]], -1
k[a], b = (nil), #false
i, k.k, c.pairs = x(1, pairs):t(f, nil) end do function i(...) x[nil <= "\n"] = true <= "s" - not false
t[k] [[long]](y) end
while 32768 do local a, f = 1/0
(i)(false)
g() end
local function g() if {32768; false; i = -1,} then g:t(true, nil, false)
c.t, a, t[b] = -0 <= nil
local g
return d, ... else  end
if t > "s" then  elseif v.g then  else g.g, b.k = not 1e-3, {true; c = true,}, 0/0 .. true
next[-32768], next["\n"] = k, 0, [[long]] + 0/0 end end ... ~= {,}, "\n" % f end
next, b.x, self[2^31 % {}] = nil and x[true](false, true, false)((nil), nil % nil) or {a.i(1/0), d = 0.5 and true} end
while 0/0 do local t end
repeat local function y(...)], next["\n"] =  t{"abc" <= "abc" .. d[false]}
if ... then  elseif #0/0 then v[v(false, nil, -1)], t, x[{[false] = "abc",}] = 7.5 % -32768 or #"\n", i(y(0x10), x)
next(true and self, false .. false) end
repeat  until self[nil]{} ^ function(...) self[false], a, b = 0/0
local self = true, "s", false end end
a("a\0b", c)
b[--nil / false], v, c = k
for i = 3%2, "\n", ... do do while k do local next
local x, pairs
x, g.t = t, y, pairs end
for i = x[255][2](nil, f), "x" == true do local v, next = nil + true, false % nil, d >= false
next[true], f = g "a\0b", --(1), not self
local d, b = nil % d, 1/0, nil
local pairs, k = #"s", b end
return t [[long]] < g end
local next = (nil):k(){v:x(2^31 % true, {self = true})}
break end until y
