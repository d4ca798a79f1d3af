-- The brief's example: a method found through an __index table (HREF + EQ [niltv],
-- tab.meta NE NULL, HREFK __index, HREFK get, EQ on the function).
local C = {}
C.__index = C
function C.get(s) return s.x end
local o = setmetatable({x = 1}, C)
local s = 0
for i = 1, 100 do s = s + o:get() end
print(s)
