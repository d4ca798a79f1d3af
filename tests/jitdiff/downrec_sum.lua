local function sum(n)
  if n == 0 then return 0 end
  return n + sum(n - 1)
end
local t = 0
for i = 1, 200 do t = t + sum(30) end
print(t)
