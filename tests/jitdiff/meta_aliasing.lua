-- Stores and metatable reads of the same keys in one trace: a store through one
-- kind of table reference must not leave a stale read through another (a class
-- field written directly and read through an instance, a metatable gaining and
-- losing __index inside the loop, globals read through an __index = _G proxy).
local c2 = {}
local o2 = setmetatable({}, {__index = c2})
local m = 0
for i = 1, 100 do
  c2.z = i
  m = m + o2.z
  c2[3] = i * 2
  m = m + o2[3]
end
print(m)

local M = {}
local o = setmetatable({}, M)
local T = {x = 5}
local s = 0
for i = 1, 100 do
  s = s + (o.x or 1)
  M.__index = T
  s = s + (o.x or 1)
  M.__index = nil
end
print(s)

local key = "__index"
local s2 = 0
for i = 1, 100 do
  s2 = s2 + (o.x or 1)
  M[key] = T
  s2 = s2 + (o.x or 1)
  M[key] = nil
end
print(s2)

local env = setmetatable({}, {__index = _G})
counter = 0
local s3 = 0
for i = 1, 100 do
  counter = counter + 1
  s3 = s3 + env.counter
end
print(s3)

local cache = {}
local obj = setmetatable({}, {__index = cache})
local misses = 0
for i = 1, 200 do
  local k = i % 7
  local v = obj[k]
  if v == nil then misses = misses + 1; cache[k] = k * k end
  if i % 50 == 0 then cache = {}; setmetatable(obj, {__index = cache}) end
end
print(misses)
