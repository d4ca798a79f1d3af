-- A metatable without __index: absent keys read nil (skein: nomm guard).
local M = {__tostring = function() return "x" end}
local o = setmetatable({a = 1}, M)
local s = 0
for i = 1, 100 do s = s + (o.b or 2) + o.a end
print(s)
