-- The data bytecodes LuaJIT 2.1 compiles: ITERN/ISNEXT (pairs), GSET, CAT, NOT,
-- TSETV with a non-integer number key (hash part), TDUP.
local t = {a=1,b=2,c=3}
local s = 0
for i=1,200 do for k,v in pairs(t) do s = s + v end end
for i=1,200 do G = i end
local x = ""
for i=1,200 do x = "a" .. i end
local b
for i=1,200 do b = not b end
local arr = {}
for i=1,200 do arr[i+0.5] = i end
for i=1,200 do local p = {x=1, y=2} s = s + p.x + p.y end
print(s, G, x, b, arr[200.5])
