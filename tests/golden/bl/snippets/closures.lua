local a = 1
local function f() return a end
local b = 2
local g = function() b = b + 1 return b end
for i = 1, 10 do
  local c = i
  t[i] = function() return c + i end
end
local x
while x do
  local y = 1
  h = function() return y end
end
repeat
  local z = 1
  h = function() return z end
until z
do
  local w = 1
  h = function() return w end
end
return f, g
