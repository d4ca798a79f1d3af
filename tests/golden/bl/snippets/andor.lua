local a, b, c = ...
local x = a and b or c
local y = a or b and c
local z = (a and b) or (c and 1) or "d"
if a and b then print(1) end
if a or b then print(2) end
if not a or not b then print(3) end
if (a and b) or c then print(4) end
if a and (b or c) then print(5) end
local w = not a
local v = not not a
local u = a and true or false
local t = a == 1 and b or c
local s = nil and a
local r = false or a
local q = 1 and a
local p = a or nil
while a and b do a = a - 1 end
repeat b = b + 1 until b > 10 or c
return x, y, z, w, v, u, t, s, r, q, p
