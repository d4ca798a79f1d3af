-- A small tour: closures, tables, string building and a hot loop.
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c = counter()
local squares = {}
for i = 1, 10 do squares[i] = i * i end
local sum = 0
for i = 1, 1000000 do sum = sum + i % 7 end
print("hello from skein", c(), c(), #squares, squares[10], sum)
