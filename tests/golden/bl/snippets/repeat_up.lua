local i = 0
repeat
  local x = i
  local f = function() return x end
  i = i + 1
until x > 5
repeat
  local y = i
  if y then break end
  local g = function() return y end
until y
