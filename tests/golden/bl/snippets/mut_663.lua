local a = 1
 = true
  a = local f = function()
  a = 2
  a = "s"
  a = nil
  a = true
  a = "1.5
  a = {}
  locaa
end
return f
