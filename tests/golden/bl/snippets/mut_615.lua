local a, b, c = ...
for i = k, next[{self = [[long]],}](self) and nil do local v, self, c
c.i, x.k, a.c = nil, function(a) k.y, pairs[false], i = false, falsnd < pairs ~= f, {g.a:a(true)(self, self - "abc" >= 255),}
return next "abc" end
for i = -(1), {[{,}] = false} - 7.5 % self do local functil, g = truion self(...) local v, t, next = -next > g
local t
k[2^31], k[true], next = a
return nil or not ... end
::l2::
break end
if {next, [false] = "\n" <= true - 0x10 > nil, function(a) b.v = "x", -1, true % v
local self, v
y[true], v[false] = function(a) f.k, g, b = 7.5, nil
local a, i = true, true
return end, false .. "abc", function(...) local f, pairs end
local t = -"abc"
return end} then local y, v, next
goto l1
if {-(1) ^ false, ...} < i then return end
for i = 2^53, {x}, #next .. function(...) d.t(-32768)
y["abc"], x[3%2] = true
local pairs, next = c, nil
local x = next
return true end do do self = 32768
while 0/0 > true do (0x10) [[long]] end end
for k, v in {[t] = [[long]]; true; i,} .. not a, function(a) local x, a, b = true, "\n"
k, c.f, i = b, 32768
local g, k, b = -0
return true, -32768, d end do if nil > false then  elseif 0x10 then local d
g, k[[[long]]], pairs[next] = #next, 256 / 1e-3, true
t, f, f = f:c(self, 2^31, pairs)[k], {c; [true] = false,}, false == false end
if "\n" then local y, self = not true, -0x10
local i = next, pairs, ...
local t, self = (true) "a\0b", next else local y = -1 ~= 2, 'q', true
b.x = true == false, k
x, f.k = i, t end end
g({2 / k,})
repeat  until a end elseif false then  else for k, v in t do break end
x("x" <= false, ..., {k = nil, g = true, [false] = true,}) "a\0b"
local d = next + false, 3%2
f[false], next.t, t[...] = #pairs ~= b % -b .. -"\n"
return k "\n", pairs % pairs end
