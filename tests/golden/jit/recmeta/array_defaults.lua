-- Integer keys: holes read through an __index table (asize ULE, hmask EQ +0), and a
-- key added to the hash part mid-loop (the hmask guard fails: side trace).
local defaults = {}
for i = 1, 50 do defaults[i] = i * 10 end
local arr = setmetatable({1, 2, 3}, {__index = defaults})
local s = 0
for i = 1, 200 do
  local k = i % 50 + 1
  s = s + arr[k] + arr[2]
  if i == 80 then arr[20] = -1 end
end
print(s)
