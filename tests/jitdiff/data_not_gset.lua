-- NOT and GSET in hot loops: type changes of the operand, new globals, nil stores,
-- an environment that gets a metatable later (guards fail, side traces).
local b
local cnt = 0
for i = 1, 300 do
  b = not b
  if b then cnt = cnt + 1 end
end
print("not toggles", cnt, b)

local vals = {1, "s", false, nil, {}, 0}
local n = 0
for i = 1, 400 do
  local v = vals[(i % 6) + 1]
  if not v then n = n + 1 end
end
print("not of mixed", n)

for i = 1, 300 do G1 = i end
print("G1", G1)
for i = 1, 300 do
  G2 = (i % 3 == 0) and "str" or i
  G3 = G2
end
print("G2 G3", G2, G3)
for i = 1, 300 do
  if i % 50 == 0 then NEWG = nil else NEWG = i end
end
print("NEWG", NEWG)
for i = 1, 200 do
  _G["dyn" .. (i % 4)] = i
  GX = i * 0.5
end
print("dyn", dyn0, dyn1, dyn2, dyn3, GX)
local log = {}
for i = 1, 300 do
  if i == 250 then
    setmetatable(_G, { __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end })
  end
  GM = i
  if i > 260 then GNEW = i end
end
setmetatable(_G, nil)
print("GM", GM, GNEW, #log, log[1])
