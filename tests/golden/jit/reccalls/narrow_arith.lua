local y = 0
local j = 7
for i = 1, 100 do
  y = y + i % 4 + i % 3 + i % j + (-i) + (i - 5) + (1 - i) + (i + 2.5) + (i % 2.5) + (i - 0)
end
print(y)
