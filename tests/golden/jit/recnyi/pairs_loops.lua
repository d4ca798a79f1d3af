-- pairs / next loops over tables of 1 to 4 keys (whether the hot ITERN is the last
-- one of a traversal decides the first abort), keys only, next called directly, and a
-- loop whose value type changes.
local s = 0
for n = 1, 4 do
  local t = {}
  for i = 1, n do t["k" .. i] = i end
  for i = 1, 200 do for k, v in pairs(t) do s = s + v end end
end
local h = {x = 1, y = 2, z = 3}
local kl = 0
for i = 1, 200 do for k in pairs(h) do kl = kl + #k end end
for i = 1, 200 do for k, v in next, h do s = s + v end end
local m = {p = 1, q = 2}
for i = 1, 200 do
  if i == 120 then m.q = 2.5 end
  for k, v in pairs(m) do s = s + v end
end
print(s, kl)
