-- closures.lua: closures, upvalues, metatables and method calls.
--
-- Each round creates counters and adders (closures over fresh and shared
-- upvalues), composes functions, and drives a small class hierarchy: a Shape
-- base class with Circle and Rect subclasses built with setmetatable and
-- __index chains, called with `:` syntax; plus a Vector type with __add, __eq,
-- __lt, __len and __call metamethods.
-- Exercises: FNEW and upvalue capture/close, method dispatch through __index
-- (table and inherited), arithmetic and comparison metamethods, and varargs.
--
-- Usage: closures.lua [rounds]   (default 300)
-- Quick: 5   (the size `run.sh --quick` uses)
-- Output: the checksum of all results.

local MODULUS = 1000000007

-- Closures --------------------------------------------------------------------

local function make_counter(start, step)
  local value = start
  return function()
    value = value + step
    return value
  end
end

-- Two closures sharing one upvalue.
local function make_account(balance)
  local function deposit(x)
    balance = balance + x
    return balance
  end
  local function withdraw(x)
    balance = balance - x
    return balance
  end
  return deposit, withdraw
end

local function compose(f, g)
  return function(...)
    return f(g(...))
  end
end

local function sum_all(...)
  local total = 0
  for i = 1, select("#", ...) do
    total = total + (select(i, ...))
  end
  return total
end

local function closure_work(n)
  local acc = 0
  for i = 1, n do
    local counter = make_counter(i, 2)
    counter()
    acc = acc + counter()
    local deposit, withdraw = make_account(i)
    deposit(10)
    acc = acc + withdraw(3)
    local inc_then_double = compose(function(x) return x * 2 end, function(x) return x + 1 end)
    acc = acc + inc_then_double(i)
    -- A closure created in a loop captures a fresh upvalue per iteration.
    local fns = {}
    for k = 1, 4 do
      fns[k] = function() return k * i end
    end
    acc = acc + fns[1]() + fns[4]() + sum_all(i, 1, 2, 3)
  end
  return acc % MODULUS
end

-- Classes ---------------------------------------------------------------------

local Shape = {}
Shape.__index = Shape

function Shape.new(name)
  return setmetatable({ name = name }, Shape)
end

function Shape:describe()
  return self.name
end

function Shape:scaled_area(k)
  return self:area() * k
end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle

function Circle.new(r)
  local self = Shape.new("circle")
  self.r = r
  return setmetatable(self, Circle)
end

function Circle:area()
  return 3 * self.r * self.r
end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect

function Rect.new(w, h)
  local self = Shape.new("rect")
  self.w, self.h = w, h
  return setmetatable(self, Rect)
end

function Rect:area()
  return self.w * self.h
end

function Rect:describe() -- overrides Shape:describe
  return "rect " .. self.w .. "x" .. self.h
end

local function class_work(n)
  local shapes = {}
  for i = 1, n do
    if i % 3 == 0 then
      shapes[i] = Circle.new(i % 10)
    else
      shapes[i] = Rect.new(i % 7, i % 5 + 1)
    end
  end
  local acc = 0
  for i = 1, n do
    local s = shapes[i]
    acc = acc + s:scaled_area(2) + #s:describe()
  end
  return acc % MODULUS
end

-- Metamethods -----------------------------------------------------------------

local Vector = {}
Vector.__index = Vector

local function vector(x, y)
  return setmetatable({ x = x, y = y }, Vector)
end

Vector.__add = function(a, b) return vector(a.x + b.x, a.y + b.y) end
Vector.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vector.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
Vector.__call = function(self, k) return self.x * k + self.y end

function Vector:dot(other)
  return self.x * other.x + self.y * other.y
end

local function vector_work(n)
  local sum = vector(0, 0)
  local acc = 0
  for i = 1, n do
    local v = vector(i % 13, i % 17)
    sum = sum + v
    if v == vector(i % 13, i % 17) then
      acc = acc + 1
    end
    if v < sum then
      acc = acc + v:dot(sum) % 1000
    end
    acc = acc + v(3)
  end
  return (acc + sum.x + sum.y) % MODULUS
end

local rounds = tonumber(arg and arg[1]) or 300
local checksum = 0
for _ = 1, rounds do
  checksum = (checksum * 7 + closure_work(500)) % MODULUS
  checksum = (checksum * 7 + class_work(500)) % MODULUS
  checksum = (checksum * 7 + vector_work(500)) % MODULUS
end
print(string.format("closures rounds=%d checksum=%d", rounds, checksum))
