local function cnt(...) local a, b, c = ... if c and c > 150 then return a end return select('#', ...) + (b or 0) end
local function fwd(...) return cnt(...) end
local function fwd2(a, ...) return cnt(a, ...) end
local s = 0
for i = 1, 300 do s = s + fwd(i, 2, i) + fwd2(i) + fwd2(1, 2, i) end
print(s)
