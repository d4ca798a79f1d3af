local t = {1, 2, 3}
local function first(a, b) if a then return a + 0.5 end return 0 end
local s = 0
for i = 1, 200 do s = s + first(unpack(t)) end
print(s)
