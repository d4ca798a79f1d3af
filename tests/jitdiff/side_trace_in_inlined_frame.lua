local b, u = 2, 0
local function f(x, y) if x > y then return x - y end return y % 7 + x end
for i0 = 0, 139 do
  u = u + ((u % 7) + (b * 6))
  b = f((-2 * u) % 8, 2)
end
print(b, u)
