local function va(...) return select('#', ...) end
local s = 0
for i=1,200 do s = s + va(i, i) end
local function pass(...) return ... end
for i=1,200 do s = s + pass(i) end
local function sum(a, b, c) return a + (b or 0) + (c or 0) end
for i=1,200 do s = s + sum(pass(i, i)) end
print(s)
