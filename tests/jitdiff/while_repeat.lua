local i, s = 0, 0
while i < 1000 do i = i + 1; if i % 3 == 0 then s = s + i end end
print(s)
local j = 100
repeat j = j - 1; s = s - 1 until j == 0
print(s)
