-- Integer keys through metatables: default values for holes, array proxies read
-- with TGETV/TGETB, keys appearing and the default table changing mid-loop.
local defaults = {}
for i = 1, 50 do defaults[i] = i * 10 end
local arr = setmetatable({1, 2, 3}, {__index = defaults})
local s = 0
for i = 1, 200 do
  local k = i % 50 + 1
  s = s + arr[k] + arr[2]
  if i == 80 then arr[20] = -1 end
  if i == 120 then defaults[30] = 0.5 end
  if i == 160 then getmetatable(arr).__index = setmetatable({}, {__index = defaults}); arr[25] = 1 end
  if i == 161 then getmetatable(arr).__index = defaults end
end
print(s)

-- Number-typed keys with integer values, and string keys from slots.
local names = {"a", "b", "c", "d"}
local proto = {a = 1, b = 2, c = 3}
local obj = setmetatable({d = 4}, {__index = proto})
local t = 0
for i = 1, 200 do
  local k = names[i % 4 + 1]
  t = t + obj[k] + (arr[(i % 20 + 1) / 2] or 2) + (arr[i % 7 + 0.5] or 1)
  if i == 100 then proto.b = 20 end
end
print(t)

-- Writes to a sparse proxy: keys outside the array part.
local sp = setmetatable({}, {__index = {}})
for i = 1, 200 do sp[i * 3] = i end
local u = 0
for i = 1, 200 do u = u + sp[i * 3] + (sp[i * 3 + 1] or 0) end
print(u)
