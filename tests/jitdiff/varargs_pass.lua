local function pass(...) return ... end
local function two(a, ...) local x, y = ... return a + x + (y or 0) end
local s = 0
for i = 1, 200 do s = s + pass(i) + two(i, 3) end
print(s)
