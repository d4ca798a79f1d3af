x = 1
y = x
z = "s"
w = true
v = nil
u = {}
t = function() end
print(x, y, z)
local a = b
c = d.e.f
