local counter = 0
local function bump(k) counter = counter + k end
for i = 1, 300 do bump(i % 5) end
print(counter)
local names = {}
for i = 1, 200 do names[#names + 1] = "n" end
print(#names)
local total = 0
local s = "hello world"
for i = 1, 300 do total = total + #s + #names end
print(total)
local up = 0
local function mk() return function(x) up = up + x; return up end end
local f = mk()
local r = 0
for i = 1, 400 do r = f(i) end
print(r, up)
local flag = false
for i = 1, 200 do if i == 150 then flag = "str" end; if flag then up = up + 1 end end
print(up)
local t2 = {}
for i = 1, 100 do local k = "x"; t2[k] = (t2[k] or 0) + i end
print(t2.x)
