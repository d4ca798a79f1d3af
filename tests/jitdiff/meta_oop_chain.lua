-- Method and field reads through __index chains (three levels of classes), with
-- the chain changing mid-loop so that the recorded guards fail: a method shadowed
-- in the instance, a method removed from a class, a class's __index replaced, the
-- instance's metatable swapped, and __index becoming a function.
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

local Leaf2 = setmetatable({perim = function(s) return 1 end}, Mid)
Leaf2.__index = Leaf2

local o = setmetatable({w = 3, h = 4}, Leaf)
local total = 0
for i = 1, 300 do
  total = total + o:area() + o:perim() + o:kind() + o.scale
  if i == 60 then o.kind = function() return 10 end end
  if i == 90 then o.kind = nil end
  if i == 120 then Mid.kind = nil end
  if i == 150 then Base.scale = 5 end
  if i == 180 then Mid.__index = Base end
  if i == 200 then setmetatable(o, Leaf2) end
  if i == 230 then
    Mid.__index = function(t, k) return Base[k] or 0.5 end
  end
  if i == 260 then Mid.__index = Mid end
end
print(total)

-- Many instances of one class: the same trace for all of them.
local Point = {}
Point.__index = Point
function Point.len2(p) return p.x * p.x + p.y * p.y end
Point.origin = 0
local pts = {}
for i = 1, 200 do pts[i] = setmetatable({x = i, y = -i}, Point) end
local s = 0
for i = 1, 200 do
  local p = pts[i]
  s = s + p:len2() + p.origin
  if i == 100 then Point.origin = 7 end
  if i == 150 then pts[160].origin = 1000 end
end
print(s)

-- Absent keys along the whole chain read as nil.
local n = 0
for i = 1, 200 do
  if o.nothing == nil then n = n + 1 end
  if i == 120 then Base.nothing = false end
  if i == 170 then Base.nothing = nil end
end
print(n)
