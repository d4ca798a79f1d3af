local u = 0
local function f() for i = 1, 100 do u = 100000; u = 2.5; if i > 50 then u = 7 end end end
f()
print(u)
