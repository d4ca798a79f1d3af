-- Generic for loops (ITERC/ITERL): ipairs (recorded inline), Lua iterators (inlined
-- frames, returning nothing at the end), holes, type changes, break, closures as
-- iterators, string.gmatch (a native iterator: not recorded).
local t = {1, 2, 3}
local s = 0
for i = 1, 300 do for k, v in ipairs(t) do s = s + v + k end end
print("ipairs", s)
local function it(st, c) if c < 3 then return c + 1 end end
for i = 1, 300 do for k in it, nil, 0 do s = s + k end end
print("lua iter", s)
local function range(n)
  return function(_, c) if c < n then return c + 1, c * 2 end end, nil, 0
end
local r = 0
for i = 1, 200 do for a, b in range(i % 5) do r = r + a + b end end
print("range", r)
local holes = {1, 2, nil, 4}
local h = 0
for i = 1, 300 do for k, v in ipairs(holes) do h = h + v end end
print("holes", h)
local mixed = {1, "x", 3.5, true, {}}
local cnt = {}
for i = 1, 300 do
  for k, v in ipairs(mixed) do local ty = type(v) cnt[ty] = (cnt[ty] or 0) + k end
end
print("mixed", cnt.number, cnt.string, cnt.boolean, cnt.table)
local grow = {}
local g = 0
for i = 1, 300 do
  grow[#grow + 1] = i % 7
  for k, v in ipairs(grow) do if k > 20 then break end g = g + v end
end
print("grow", g)
local words = 0
for i = 1, 100 do for w in string.gmatch("a bb ccc", "%a+") do words = words + #w end end
print("gmatch", words)
local function stateful()
  local n = 0
  return function() n = n + 1 if n <= 4 then return n end end
end
local st = 0
for i = 1, 200 do for v in stateful() do st = st + v end end
print("closure", st)
