-- Coroutines: generators, status, yield across pcall, errors, wrap.
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for v in gen(10) do s = s + v end
assert(s == 55)

local co = coroutine.create(function(a)
  assert(coroutine.status(coroutine.running()) == "running")
  local b = coroutine.yield(a * 2)
  local c, d = coroutine.yield(b + 1)
  return c + d
end)
assert(coroutine.status(co) == "suspended")
local ok, v = coroutine.resume(co, 5)
assert(ok and v == 10)
ok, v = coroutine.resume(co, 7)
assert(ok and v == 8)
ok, v = coroutine.resume(co, 1, 2)
assert(ok and v == 3 and coroutine.status(co) == "dead")
ok, v = coroutine.resume(co)
assert(not ok and v == "cannot resume dead coroutine")
print(coroutine.resume(co))

-- yield across pcall
local co2 = coroutine.create(function()
  local ok2, r = pcall(function()
    local x = coroutine.yield("in pcall")
    error("after " .. x, 0)
  end)
  coroutine.yield(tostring(ok2) .. ":" .. r)
  return "end"
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2, "resume"))
print(coroutine.resume(co2))
print(coroutine.status(co2))

-- errors inside coroutines
local co3 = coroutine.create(function() local t = nil; return t.x end)
print(coroutine.resume(co3))
assert(coroutine.status(co3) == "dead")
local co4 = coroutine.create(function() error({code = 7}) end)
local ok4, e4 = coroutine.resume(co4)
assert(not ok4 and e4.code == 7)

-- wrap propagates errors
local w = coroutine.wrap(function() error("boom") end)
local ok5, e5 = pcall(w)
print(ok5, e5)

-- status normal, running in main thread
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.status(outer) end)
  return select(2, coroutine.resume(inner))
end)
print(coroutine.resume(outer))
print(coroutine.running())
print(pcall(coroutine.yield, 1))
-- yield from nested Lua calls
local co6 = coroutine.wrap(function()
  local function deep(n) if n == 0 then coroutine.yield("deep") return "back" end return deep(n - 1) end
  local r = deep(100)
  return r
end)
assert(co6() == "deep" and co6() == "back")
-- many coroutines
local cos = {}
for i = 1, 1000 do cos[i] = coroutine.wrap(function() coroutine.yield(i) return i * 2 end) end
local total = 0
for i = 1, 1000 do total = total + cos[i]() + cos[i]() end
assert(total == 3 * 500500)
-- yield from inside metamethods (__index, __lt, __add, __newindex) and from a
-- yielding iterator under pcall
local ymt = {
  __index = function(t, k) return coroutine.yield("index " .. k) end,
  __lt = function(a, b) return coroutine.yield("lt") end,
  __add = function(a, b) return coroutine.yield("add") end,
  __newindex = function(t, k, v) rawset(t, k, coroutine.yield("newindex " .. k) .. v) end,
}
local yco = coroutine.wrap(function()
  local o = setmetatable({}, ymt)
  local got = o.foo
  local less = o < setmetatable({}, ymt)
  local sum = o + 1
  o.bar = "v"
  return got, less, sum, rawget(o, "bar")
end)
print(yco())
print(yco("FOO"))
print(yco(false))
print(yco(42))
print(yco("set:"))
-- yield from __concat
local cco = coroutine.wrap(function()
  local m = setmetatable({}, {__concat = function(p, q) return coroutine.yield("cat") end})
  return "a" .. m .. "b"
end)
assert(cco() == "cat" and cco("R") == "aR")
print("ok")
