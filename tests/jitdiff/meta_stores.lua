-- Stores into tables with a metatable: existing keys (no metamethod consulted) and
-- new keys while the metatable has no __newindex; then __newindex appears (a table,
-- then a function) mid-loop, and the metatable gets unrelated stores (which clear
-- its negative metamethod cache).
local M = {__index = {def = 3}}
local log = {}
local objs = {}
for i = 1, 300 do objs[i] = setmetatable({}, M) end
local s = 0
for i = 1, 300 do
  local o = objs[i]
  o.a = i                 -- new key
  o.a = (o.a or 0) + 1    -- existing key (once __newindex is there: new again)
  o[1] = i                -- new array key
  o[1] = (o[1] or 0) * 2  -- existing array key
  s = s + (o.a or 0) + (o[1] or 0) + o.def
  if i == 100 then M.extra = true end
  if i == 150 then M.__newindex = log end
  if i == 200 then
    M.__newindex = function(t, k, v) rawset(t, k, v + 1000) end
  end
  if i == 250 then M.__newindex = nil end
end
print(s, #log, log.a, log[1])

-- A counter object whose fields are updated in place.
local C = setmetatable({n = 0, sum = 0}, {__index = {step = 2}})
for i = 1, 500 do
  C.n = C.n + 1
  C.sum = C.sum + C.step
  if i == 300 then C.step = 5 end
end
print(C.n, C.sum)

-- Storing nil into an absent key of a proxy, and deleting keys.
local P = setmetatable({}, {__index = function() return 9 end})
local z = 0
for i = 1, 200 do
  P.k = nil
  z = z + P.k
  if i == 100 then P.k = 1 end
end
print(z)
