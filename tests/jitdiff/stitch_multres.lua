local t = {1, 2, 3}
local function sum(a, b, c) return a + b + c end
local s = 0
for i = 1, 200 do s = s + sum(unpack(t)) end
print(s)
