-- Garbage collection: collectgarbage options, weak tables, __gc.
assert(type(collectgarbage("count")) == "number")
assert(collectgarbage() == 0)
collectgarbage("step")
local before = collectgarbage("count")
do local junk = {} for i = 1, 10000 do junk[i] = {i} end end
collectgarbage()
assert(collectgarbage("count") < before + 200)

local weakv = setmetatable({}, {__mode = "v"})
local weakk = setmetatable({}, {__mode = "k"})
local keep = {}
weakv[1] = keep
weakv[2] = {}
weakv.s = "strings stay"
weakk[keep] = 1
weakk[{}] = 2
collectgarbage()
assert(weakv[1] == keep and weakv[2] == nil and weakv.s == "strings stay")
local n = 0
for k, v in pairs(weakk) do n = n + 1 end
assert(n == 1 and weakk[keep] == 1)

local finalized = 0
do
  for i = 1, 10 do
    local u = newproxy(true)
    getmetatable(u).__gc = function() finalized = finalized + 1 end
  end
end
collectgarbage()
collectgarbage()
assert(finalized == 10)

-- stop/restart
collectgarbage("stop")
collectgarbage("restart")
local p = collectgarbage("setpause", 150)
assert(type(p) == "number")
collectgarbage("setpause", p)

-- closures and upvalues survive collections
local fs = {}
for i = 1, 100 do fs[i] = function() return i end end
collectgarbage()
for i = 1, 100 do assert(fs[i]() == i) end
-- a collection inside a coroutine
local co = coroutine.wrap(function()
  local t = {}
  for i = 1, 1000 do t[i] = tostring(i) end
  collectgarbage()
  coroutine.yield(#t)
  collectgarbage()
  return t[500]
end)
assert(co() == 1000 and co() == "500")
print("ok")
