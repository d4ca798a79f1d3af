local function make_counter(start, step)
  local value = start
  return function()
    value = value + step
    return value
  end
end
local acc = 0
for i = 1, 300 do
  local counter = make_counter(i, 2)
  counter()
  acc = acc + counter()
end
print(acc)
