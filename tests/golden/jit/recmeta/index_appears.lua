-- A metatable gains __index mid-loop: the absence guard fails, a side trace follows.
local M = {__tostring = function() return "x" end}
local o = setmetatable({a = 1}, M)
local s = 0
for i = 1, 100 do s = s + (o.b or 2) + o.a; if i == 90 then M.__index = {b = 5} end end
print(s)
