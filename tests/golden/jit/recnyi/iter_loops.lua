-- Generic for loops: ipairs (its iterator recorded inline) and a Lua iterator function
-- (inlined; its last call returns nothing and ends the loop in a side trace).
local t = {1,2,3}
local s = 0
for i=1,200 do for k,v in ipairs(t) do s = s + v end end
local function it(st, c) if c < 3 then return c + 1 end end
for i=1,200 do for k in it, nil, 0 do s = s + k end end
print(s)
