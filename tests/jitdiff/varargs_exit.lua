local function v2(a, ...)
  local x, y = ...
  if x > 100 then return a end
  return a + x + select(2, ...) + select('#', ...)
end
local s = 0
for i = 1, 200 do s = s + v2(1, i, 3, 4) end
print(s)
