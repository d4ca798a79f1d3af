local function depth(t)
  if t == nil then return 0 end
  local a = depth(t.l)
  return a + 1
end
local chain = nil
for i = 1, 40 do chain = { l = chain } end
local s = 0
for i = 1, 300 do s = s + depth(chain) end
print(s)
