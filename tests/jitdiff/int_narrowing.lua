-- LuaJIT's arithmetic narrowing: int + int / int - int as ADDOV/SUBOV guards (with an
-- overflow exit near 2^31), int % 2^k as BAND, int % k as int MOD, -i as NE + SUBOV,
-- and the number modulo expansion b - floor(b/c)*c (negative operands included).
local y, j = 0, 7
for i = -50, 100 do
  y = y + i % 4 + i % 3 + i % j + (-i) + (i - 5) + (1 - i) + (i + 2.5) + (i % 2.5) + (i - 0)
  y = y + (i % -3) + (-7.5 % 2)
end
print(y)
local big = 2147483600
local z = 0
for i = 1, 100 do
  local s = big + i
  z = z + s - big
  local d = -2147483600 - i
  z = z + d
end
print(z)
local zero = 0
for i = -3, 200 do
  local n = -(i * 0)
  zero = zero + (1 / (n + -i + i) > 0 and 1 or 0)
end
print(zero)
