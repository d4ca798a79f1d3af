for i = 1, 10 do print(i) end
for i = 10, 1, -1 do print(i) end
for i = 1, n, 2 do end
for k, v in pairs(t) do print(k, v) end
for k, v in next, t do end
for i, v in ipairs(t) do end
for a, b, c, d in f() do end
local pairs = pairs
for k in pairs(t) do end
while x do x = x - 1 end
repeat local y = x until y
while true do if x then break end end
for i = 1, 3 do for j = 1, 3 do if j == 2 then break end end end
