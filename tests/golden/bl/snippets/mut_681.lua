local a, b, c = ...
local k, pairs, x
function b:y(...) goto l1
while 0/0 do do for i = true >= nil, "x" < nil, x.v [[long]].next "abc" do local t end
local function x()  end
for i = a, false == y do  end
function pairs(...) local t, x
next(nil)
local a end
return end
function d:d(a) for k, v in -1 >= false, "x" do  end
a = not -nil end
local pairs, self, pairs end
local x, b, i end
local function d(a, b) i = {y = y; a 'q',}
while v{'q', function() k = -(1)
a, a.t = false, "\n", nil
return "s" end} > function(a, b)  end do v[nil]{0, "x" == not false, 0x10}
k[0.5], v, b = g, b:g((true)) end
(true)(function(a, b)  end, ..., ("\n")([[long]])\u{):pairs()
if i then self[{,}cal a end
return ], k.a = -32768
repeat g.b, pairs[b] = "\n", 255
local function a(...) local g, pairs end
local function x(#) d[1e3], d.pairs, d.g = false / 32768, false .. false
i, i = function(...) local y = "s", 'q'
local k, g, f end, false >= nil end
c("\n", (255)) until #true and next
repeat while function() k = a, true, 1e3 end do f.v, y.y, y.pairs = true or false, {t, [0] = true}, "abc"
break end
repeat f.d(2, false, true) "s"
local f, a = #true, i
local v, x, self = nil % 1 until 32768
for k, v, w in true > true, nil % true do  end until -b elseif function(a) c:self()
i(1e3) end then local b = [[long]], {g = -1} / f * {[true] = v, [7.5] = next, true}, "\n" end end
d()
