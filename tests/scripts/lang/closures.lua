-- Closures and upvalues: loops creating closures, shared upvalues, closing on return.
local fs = {}
for i = 1, 5 do fs[i] = function() return i end end
for i = 1, 5 do assert(fs[i]() == i) end

local gs = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j * 10
  gs[j] = function() k = k + 1; return k end
end
assert(gs[1]() == 11 and gs[1]() == 12 and gs[2]() == 21 and gs[3]() == 31)

local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
assert(get() == 2)
local inc2, get2 = counter()
inc2()
assert(get() == 2 and get2() == 1)

-- upvalue of upvalue
local function outer()
  local x = 1
  return function()
    return function() x = x + 1; return x end
  end
end
local f = outer()()
assert(f() == 2 and f() == 3)

-- closures created in a loop with break share nothing
local hs = {}
for i = 1, 10 do
  local v = i
  hs[#hs + 1] = function() return v end
  if i == 3 then break end
end
assert(#hs == 3 and hs[1]() == 1 and hs[3]() == 3)

-- recursive local function
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
assert(fact(10) == 3628800)

-- upvalues stay valid after the stack grows
local function deep(n, acc)
  if n == 0 then return acc end
  local cl = function() return n end
  return deep(n - 1, acc + cl())
end
assert(deep(1000, 0) == 500500)
local function grow(n) if n == 0 then return 0 end return 1 + grow(n - 1) end
local captured = 42
local function read() return captured end
assert(grow(10000) == 10000 and read() == 42)
print("ok")
