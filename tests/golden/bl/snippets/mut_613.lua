local a, b, c = ...
local g, pairs, pairs = -0
for k, v in nil < ..., 7.5 ^ false, k do while ((-(1)) 'q')(function(a, b)  end, d, function(a, ...) local g, d
local t, t
local pairs = false end) do a:p;airs(d, b)
break end end
t(k.x.i)
