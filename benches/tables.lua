-- tables.lua: a mix of table work: arrays, hashes, stacks and sorting.
--
-- Each round fills an array and sums it; inserts and looks up string keys and
-- sparse number keys in hash parts; pushes and pops with table.insert and
-- table.remove; sorts an array of numbers and an array of records (with a
-- comparison function); and walks tables with ipairs, pairs and next.
-- Exercises: array/hash part growth and rehashing, the table library's core,
-- and generic `for` iteration.
--
-- Usage: tables.lua [rounds]   (default 40)
-- Quick: 2   (the size `run.sh --quick` uses)
-- Output: the checksum of all results.

local insert, remove, sort, concat = table.insert, table.remove, table.sort, table.concat
local floor = math.floor

local MODULUS = 1000000007
local N = 5000

-- Deterministic pseudo-random numbers (the Park-Miller generator, exact in
-- doubles), so every runtime sorts and hashes the same data.
local seed = 42
local function next_random(limit)
  seed = (seed * 16807) % 2147483647
  return floor(seed / 1024) % limit
end

local function array_fill_and_sum(n)
  local a = {}
  for i = 1, n do
    a[i] = i * 3 - 1
  end
  local sum = 0
  for i = 1, #a do
    sum = sum + a[i]
  end
  for _, v in ipairs(a) do
    sum = sum - v % 5
  end
  return sum
end

local function string_keys(n)
  local h = {}
  for i = 1, n do
    h["key" .. i] = i
  end
  local found = 0
  for i = 1, n, 3 do
    local v = h["key" .. i]
    if v then
      found = found + v
    end
    if h["missing" .. i] then
      found = found - 1
    end
  end
  local total = 0
  for k, v in pairs(h) do
    total = total + v
  end
  return found + total
end

local function number_keys(n)
  local h = {}
  for i = 1, n do
    h[i * 7919 % 100003] = i -- sparse: lands in the hash part
    h[i + 0.5] = -i          -- non-integer keys
  end
  local sum = 0
  for i = 1, n do
    sum = sum + (h[i * 7919 % 100003] or 0) + h[i + 0.5]
  end
  local count = 0
  local k = next(h)
  while k ~= nil do
    count = count + 1
    k = next(h, k)
  end
  return sum + count
end

local function stack_ops(n)
  local stack = {}
  local acc = 0
  for i = 1, n do
    insert(stack, i)
    if i % 3 == 0 then
      acc = acc + remove(stack)
    end
  end
  insert(stack, 1, -1) -- insert at the front shifts everything
  remove(stack, 1)
  while #stack > 0 do
    acc = acc + remove(stack) % 11
  end
  return acc
end

local function sorting(n)
  local numbers, records = {}, {}
  for i = 1, n do
    numbers[i] = next_random(100000)
    records[i] = { name = "r" .. next_random(1000), weight = next_random(50) }
  end
  sort(numbers)
  sort(records, function(a, b)
    if a.weight ~= b.weight then
      return a.weight < b.weight
    end
    return a.name < b.name
  end)
  local acc = 0
  for i = 1, n, 97 do
    acc = (acc * 31 + numbers[i] + records[i].weight) % MODULUS
  end
  local names = {}
  for i = 1, 10 do
    names[i] = records[i].name
  end
  return acc, concat(names, ",")
end

local rounds = tonumber(arg and arg[1]) or 40
local checksum = 0
local last_names
for _ = 1, rounds do
  checksum = (checksum + array_fill_and_sum(N)) % MODULUS
  checksum = (checksum + string_keys(N)) % MODULUS
  checksum = (checksum + number_keys(N)) % MODULUS
  checksum = (checksum + stack_ops(N)) % MODULUS
  local acc
  acc, last_names = sorting(N)
  checksum = (checksum * 3 + acc) % MODULUS
end
print(string.format("tables rounds=%d checksum=%d first=%s", rounds, checksum, last_names))
