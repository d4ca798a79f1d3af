-- TGETV/TSETV with non-integer number keys (the hash part), TDUP templates.
local arr = {}
for i = 1, 300 do arr[i + 0.5] = i end
local s = 0
for i = 1, 300 do s = s + arr[i + 0.5] end
print("sum", s)
local h = {}
for i = 1, 300 do h[(i % 7) + 0.25] = i end
local keys = 0
for k, v in pairs(h) do keys = keys + k + v end
print("h", keys)
-- Missing keys read nil; a nil store removes a key.
local m = {}
local misses = 0
for i = 1, 300 do
  local k = (i % 10) + 0.5
  if m[k] == nil then misses = misses + 1; m[k] = true else m[k] = nil end
end
print("misses", misses)
-- Integer-valued keys appear at run time, an array part appears, a metatable appears.
local t = {}
local c = 0
for i = 1, 300 do
  local k = i * 0.5
  t[k] = i
  if i == 200 then setmetatable(t, { __newindex = function(tt, kk, vv) c = c + 1; rawset(tt, kk, vv) end }) end
end
print("t", t[0.5], t[1], t[150], c)
local u = {}
for i = 1, 300 do
  local k = (i % 2 == 0) and i + 0.5 or i
  u[k] = i
end
print("u", u[1], u[2.5], u[299], #u)
-- Value types change (guards on HLOAD fail).
local w = {[0.5] = 1}
local acc = {}
for i = 1, 300 do
  if i == 100 then w[0.5] = "x" end
  if i == 200 then w[0.5] = 2 end
  acc[#acc + 1] = type(w[0.5])
end
print("w", acc[99], acc[100], acc[200], #acc)
-- TDUP: template tables, modified copies must not share.
local tot = 0
local last
for i = 1, 300 do
  local p = {x = 1, y = 2, 3, 4}
  p.x = p.x + i
  p[1] = p[1] + p[2]
  tot = tot + p.x + p.y + p[1]
  last = p
end
print("tdup", tot, last.x, last[1])
local q1 = {a = {}}
for i = 1, 100 do
  local q = {a = 1, b = "s"}
  q.a = i
  q1 = q
end
print("tdup2", q1.a, q1.b)
