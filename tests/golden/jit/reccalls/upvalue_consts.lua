local K, H = 80, 2.5
local function f()
  local y = 0
  for i = 1, 100 do if i == K then y = y + 1 end y = y + i * H + (i + K) end
  return y
end
print(f())
