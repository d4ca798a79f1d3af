local function depth(n)
  if n == 0 then return 0 end
  local r = depth(n - 1)
  return r + 1
end
local s = 0
for i = 1, 100 do s = s + depth(40) end
print(s)
