local a = 0x10
local b = 0xff
local c = 1e10
local d = 1.5e-3
local e = 0x1p4
local f = 0x.8
local g = 3.
local h = .5
local i = 1e308 * 10
local j = 4294967296
local k = 0x7fffffff
local l = 2147483648
local m = 0xffffffffffffffff
return a,b,c,d,e,f,g,h,i,j,k,l,m
