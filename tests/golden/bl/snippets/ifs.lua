local a = ...
if a then print(1) elseif a == 2 then print(2) elseif a == 3 then print(3) else print(4) end
if a then end
if a then else end
if nil then print(5) end
if true then print(6) end
if 1 then print(7) end
if false then print(8) else print(9) end
if not a then print(10) end
if a then return end
print(11)
