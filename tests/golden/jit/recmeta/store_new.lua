-- New keys (hash and array) in tables whose metatable has no __newindex.
local M = {__index = {}}
local objs = {}
for i = 1, 50 do objs[i] = setmetatable({}, M) end
for i = 51, 100 do objs[i] = setmetatable({}, M) end
for i = 101, 150 do objs[i] = setmetatable({}, M) end
for i = 151, 200 do objs[i] = setmetatable({}, M) end
for i = 1, 200 do local o = objs[i]; o.y = i; o[1] = i end
print(objs[5].y, objs[200][1])
