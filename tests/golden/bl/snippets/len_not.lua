local a = ...
local b = #a
local c = not a
local d = -a
local e = #"abc"
local f = not nil
local g = not 1
local h = -"2"
return b, c, d, e, f, g, h
