local a = 1
local f = function()
  a = 2
  a = "s"
  a = nil
  a = true
  a = 1.5
  a = {}
  local b = a
end
return f
