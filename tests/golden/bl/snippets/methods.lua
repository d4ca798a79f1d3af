local s = "abc"
local n = s:len()
local u = s:upper():lower()
obj:method(1):other(2)
obj.field:method()
obj["k"]:m()
return n, u
