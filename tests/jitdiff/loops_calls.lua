local function f(n) if n < 2 then return n end return f(n-1) + f(n-2) end
local s = 0
for i = 1, 300 do s = s + f(i % 12) end
print(s)
local t = 0
for i = 1, 1000 do
  if i % 3 == 0 then t = t + 1 elseif i % 5 == 0 then t = t - 2 else t = t * 1.0001 end
end
print(string.format("%.6f", t))
local function g(a, b) return a * b + 1 end
local acc = 0
for i = 1, 500 do acc = acc + g(i, 2) end
print(acc)
local function h(n, acc) if n == 0 then return acc end return h(n - 1, acc + n) end
for i = 1, 200 do acc = acc + h(i % 50, 0) end
print(acc)
local cnt = 0
for i = 1, 100 do for j = 1, i % 7 do cnt = cnt + j end end
print(cnt)
local u = 0
for i = 1, 300 do u = u + select('#', i, i) + math.floor(i / 7) end
print(u)
local x = 1
for i = 1, 2000 do x = -x + i / 3 end
print(x)
local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
local dd = 0
for i = 1, 150 do dd = dd + deep(i) end
print(dd)
