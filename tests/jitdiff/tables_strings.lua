local t = {}
for i = 1, 100 do t[i] = i % 7 end
t.name = "x"
local s = 0
for r = 1, 30 do for i = 1, 100 do s = s + t[i] end end
print(s)
local words = { "a", "bb", "a", "ccc", "a" }
local c = 0
for r = 1, 200 do local w = words[r % 5 + 1]; if w == "a" then c = c + 1 elseif w ~= "bb" then c = c + 10 end end
print(c)
local m = setmetatable({}, { __index = function(_, k) return k * 2 end })
local q = 0
for i = 1, 100 do q = q + m[i] end
print(q)
local h = { x = 1, y = 2 }
local z = 0
for i = 1, 300 do z = z + h.x + h.y; if i == 150 then h.x = 10 end end
print(z)
local holes = { 1, nil, 3 }
local hn = 0
for i = 1, 200 do if holes[i % 4] == nil then hn = hn + 1 end end
print(hn)
local u = 0
for i = 1, 100 do u = u + #words + (t[i + 100] or 0) end
print(u)
