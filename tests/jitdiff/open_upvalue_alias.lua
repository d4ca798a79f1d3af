local b, u = 0, 0
local function g() u = u + 1 end
for i2 = 1, 100 do
  g()
  b = u
end
print(b, u)
