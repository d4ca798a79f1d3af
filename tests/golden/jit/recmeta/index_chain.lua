-- A two-level __index chain: a method two tables up, and a key absent everywhere
-- (the last table has no metatable: EQ NULL; an empty hash part: hmask EQ +0).
local Base = {}
Base.__index = Base
function Base.name(s) return 7 end
local D = setmetatable({}, Base)
D.__index = D
local o = setmetatable({}, D)
local s = 0
for i = 1, 100 do s = s + o.name(o) + (o.missing or 1) end
print(s)
