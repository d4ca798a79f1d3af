-- pairs / next loops (ISNEXT, ITERN): hot inner and outer loops, array and hash parts,
-- key and value types changing, keys only, break, empty tables, next directly,
-- metatables, a generator that is not next (despecialised), value updates.
local function sorted_sum(t)
  local s = 0
  for k, v in pairs(t) do s = s + v end
  return s
end
local t = {a = 1, b = 2, c = 3}
local s = 0
for i = 1, 300 do for k, v in pairs(t) do s = s + v end end
print("hash", s)
local arr = {10, 20, 30, 40, x = 5, y = 6}
local s2, n2 = 0, 0
for i = 1, 300 do for k, v in pairs(arr) do s2 = s2 + v; n2 = n2 + 1 end end
print("mixed", s2, n2)
local keys = 0
for i = 1, 300 do for k in pairs(t) do keys = keys + #k end end
print("keys", keys)
local mt = {p = 1, q = "two", r = 3, [4] = 4.5, [true] = 1}
local counts = {}
for i = 1, 200 do
  for k, v in pairs(mt) do
    local ty = type(k) .. type(v)
    counts[ty] = (counts[ty] or 0) + 1
  end
end
print("types", counts.stringnumber, counts.stringstring, counts.numbernumber, counts.booleannumber)
local e, seen = {}, 0
for i = 1, 300 do for k, v in pairs(e) do seen = seen + 1 end end
print("empty", seen)
local found = 0
for i = 1, 300 do
  for k, v in pairs(arr) do
    if v == 30 then found = found + 1; break end
  end
end
print("break", found)
local s3 = 0
for i = 1, 300 do for k, v in next, t do s3 = s3 + v end end
print("next", s3)
local upd = {u = 1, v = 2, w = 3}
for i = 1, 300 do for k, v in pairs(upd) do upd[k] = v + 1 end end
print("update", upd.u, upd.v, upd.w)
local grow = {}
local total = 0
for i = 1, 300 do
  grow["k" .. (i % 7)] = i
  for k, v in pairs(grow) do total = total + v end
end
print("grow", total)
local st = 0
for i = 1, 300 do st = st + sorted_sum(t) + sorted_sum(arr) end
print("calls", st)
local function gen(state, c) if c < 3 then return c + 1, c * 2 end end
local g = 0
for i = 1, 300 do
  local f = (i % 100 == 0) and gen or next
  local st0 = (f == gen) and 0 or t
  local c0 = (f == gen) and 0 or nil
  for k, v in f, st0, c0 do g = g + v end
end
print("gen", g)
local withmt = setmetatable({m = 1, n = 2}, {__index = function() return 0 end})
local sm = 0
for i = 1, 300 do for k, v in pairs(withmt) do sm = sm + v end end
print("meta", sm)
local vt = {a = 1, b = 2}
local acc = {}
for i = 1, 300 do
  if i == 150 then vt.b = "str" end
  if i == 220 then vt.b = 2; vt.c = false end
  for k, v in pairs(vt) do
    if type(v) == "number" then acc[#acc + 1] = v end
  end
end
print("valtypes", #acc)
for i = 1, 300 do
  local d = {x = i, y = i + 1}
  for k, v in pairs(d) do s = s + v end
end
print("fresh", s)
