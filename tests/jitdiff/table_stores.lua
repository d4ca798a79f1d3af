local t = {}
for i = 1, 300 do t[i] = i * 2 end
local s = 0
for i = 1, 300 do s = s + t[i] end
print(s)
local acc = { n = 0 }
for i = 1, 300 do acc.n = acc.n + i; if acc.n > 20000 then acc.n = 0 end end
print(acc.n)
local fib = { 1, 1 }
for i = 3, 80 do fib[i] = fib[i - 1] + fib[i - 2] end
print(fib[80])
local sieve, cnt = {}, 0
for i = 2, 2000 do sieve[i] = true end
for i = 2, 2000 do
  if sieve[i] then cnt = cnt + 1; for j = i * 2, 2000, i do sieve[j] = false end end
end
print(cnt)
local m = {}
for i = 1, 100 do m[i] = {} ; for j = 1, 10 do m[i][j] = i * j end end
local tot = 0
for i = 1, 100 do for j = 1, 10 do tot = tot + m[i][j] end end
print(tot)
local cache = {}
for i = 1, 500 do local k = "k" .. (i % 17); cache[k] = (cache[k] or 0) + 1 end
print(cache.k0, cache.k16)
local ro = setmetatable({}, { __newindex = function(t, k, v) rawset(t, k, v * 10) end })
for i = 1, 100 do ro[i] = i end
print(ro[7], ro[100])
local swap = { 1, 2 }
for i = 1, 1001 do swap[1], swap[2] = swap[2], swap[1] end
print(swap[1], swap[2])
