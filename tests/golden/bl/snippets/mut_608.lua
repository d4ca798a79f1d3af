local a, b, c = ...
while "abc" do local self, x, d
do  end
::l1:: end
for i = function(...) local a, c,eak end
return end,  self
b[1/0] = next
local c, v
while next[e)(0/0, not 0) "nil]()(false, "a\0b") do local v = c(false)
x["x"] = -(1), 255 =alse
local y, a, f = (false):y()
break end
return end, c [[long]].self do (true):d():v(true)(0/0, not 0) "\n"
next({i = 1; ["a\0b"] = "x"}, 256)
y "x" end
