-- Methods and fields through a three-level chain, then shadowed, removed and
-- redirected mid-loop (each change fails a recorded guard).
local Base = {}
Base.__index = Base
function Base.kind(s) return 1 end
function Base.area(s) return s.w * s.h end
Base.scale = 2
local Mid = setmetatable({}, Base)
Mid.__index = Mid
function Mid.kind(s) return 2 end
local Leaf = setmetatable({}, Mid)
Leaf.__index = Leaf
function Leaf.perim(s) return 2 * (s.w + s.h) end
local o = setmetatable({w = 3, h = 4}, Leaf)
local total = 0
for i = 1, 300 do
  total = total + o:area() + o:perim() + o:kind() + o.scale
  if i == 60 then o.kind = function() return 10 end end
  if i == 90 then o.kind = nil end
  if i == 120 then Mid.kind = nil end
  if i == 150 then Base.scale = 5 end
  if i == 180 then Mid.__index = Base end
end
print(total)
