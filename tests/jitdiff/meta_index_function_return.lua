-- An __index function that is hot on its own: its traces (a root trace, the
-- continuation after a stitched native call, side traces) end at its return, which
-- goes to the metamethod frame of the TGETS, not to a CALL's result slots; the loop
-- calling it switches between an __index table and the function.
local Base = {}
Base.__index = Base
function Base.kind(s) return 1 end
Base.scale = 2
local Mid = setmetatable({}, Base)
Mid.__index = Mid
local Leaf = setmetatable({}, Mid)
Leaf.__index = Leaf
local o = setmetatable({w = 3, h = 4}, Leaf)
local total = 0
for i = 1, 400 do
  total = total + o:kind() + o.scale + (o.w or 0)
  if i == 100 then
    Mid.__index = function(t, k) local v = rawget(Base, k) return v or 0.5 end
  end
  if i == 250 then Mid.__index = Mid end
  if i == 300 then
    Mid.__index = function(t, k) if k == "scale" then return 3 end return Base[k] end
  end
end
print(total)
