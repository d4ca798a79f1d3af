g = 0
for i = 1, 300 do g = g + (i > 150 and 1 or 2) end
print(g)
local t = {}
for i = 1, 200 do t[i] = i * 2 end
local s = 0
for i = 1, 200 do s = s + t[i] end
print(s)
local str = ""
for i = 1, 100 do if i % 10 == 0 then str = str .. i end end
print(str)
local n = 0
for k, v in pairs(t) do n = n + v end
print(n)
local w = 0
local i = 0
while i < 500 do i = i + 1; if i % 2 == 0 then w = w + i end end
print(w)
local function add(a, b) return a + b end
local z = 0
for k = 1, 400 do z = add(z, k) ; if k == 390 then z = z + 0.5 end end
print(z)
local q = 0
for k = 100, 1, -1 do q = q + k * (k % 2 == 0 and -1 or 1) end
print(q)
for k = 1, 3 do
  local r = 0
  for m = 1, 80 do r = r + math.abs(m - 40) end
  print(r)
end
local v = 0
for k = 1, 200 do v = v + unpack({k, 2}) end
print(v)
local mx = 0
for k = 1, 300 do mx = math.max(mx, (k * 7) % 101) end
print(mx)
