local function cnt(...) return select('#', ...) end
local function fwd(a, b) return cnt(a, b, a) end
local s = 0
for i = 1, 200 do s = s + fwd(i, 2) end
print(s)
