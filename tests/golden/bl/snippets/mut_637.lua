local a, b, c = ...
goto l1
v:d()
v, f, t[(y)[1/0]] = true, 255 and function(a, b) local function b(a, b) local f, c
y, i[true] = false,
v:d()
v, f, t[ 3%2 end
local function c(a) local pairs, g, a = x[true], {k = v; d,}, x end end, g
x.x, d = true, {[i] = t, {[g] = [[long]], ..., -k, next[k][1/0 or "abc"], [(2)[nil]["\n"].d:f(nil) <= i] = not "x"} - #i, c = function(a, ...) ::l2::
local self = k
local v
for i = k{false, "x", "\n"}, a .. true, nil <= y do  end end, 'q', self = c[(self)](i, ...) or c:c(),}
