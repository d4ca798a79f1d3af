-- type instability, side exits, global changes
local vals = {}
for i = 1, 300 do vals[i] = (i % 50 == 0) and "s" or i end
local n, s = 0, 0
for i = 1, 300 do
  local v = vals[i]
  if type(v) == "number" then n = n + v else s = s + 1 end
end
print(n, s)
G = 1
local acc = 0
for i = 1, 400 do
  acc = acc + G
  if i == 200 then G = 2.5 end
  if i == 300 then G = 3 end
end
print(acc)
local function fact(k) if k <= 1 then return 1 end return k * fact(k - 1) end
local f = 0
for i = 1, 200 do f = f + fact(i % 15) end
print(f)
local x = 0
for i = 1, 500 do
  if i % 7 == 0 then x = x + 1 elseif i % 11 == 0 then x = x - 3 elseif i % 13 == 0 then x = x * 2 end
end
print(x)
local y = 0
for i = -100, 100, 3 do y = y + i end
for i = 10, 1, -0.5 do y = y + i end
print(y)
local function tail(a, b) if a <= 0 then return b end return tail(a - 1, b + a) end
local z = 0
for i = 1, 120 do z = z + tail(i, 0) end
print(z)
local co = coroutine.wrap(function() for i = 1, 200 do coroutine.yield(i) end end)
local cs = 0
for i = 1, 200 do cs = cs + co() end
print(cs)
local ok, err = pcall(function() local q = 0 for i = 1, 100 do q = q + i; if i == 90 then error("boom") end end end)
print(ok, err)
