local y = 0
local x = 1.5
for i = 1, 100 do y = y + x ^ 2 + i ^ 2 + x ^ 1 + x ^ 0 + i ^ 0.5 + 2 ^ x + x ^ 3 end
print(y)
