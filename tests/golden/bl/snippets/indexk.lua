local t = ...
local a = t[0]
local b = t[255]
local c = t[256]
local d = t[-1]
local e = t[1.5]
local f = t["k"]
local g = t[true]
local h = t[nil]
t[0] = 1
t[255] = 2
t[256] = 3
t[-1] = 4
t[true] = 5
t.x = nil
t.y = false
t.z = "s"
return a,b,c,d,e,f,g,h
