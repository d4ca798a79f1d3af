-- New keys stored through a __newindex table (LuaJIT follows it: HREFK __newindex,
-- then the store into that table, which has no metatable: EQ NULL, HSTORE, TBAR).
local store = {}
local M = {__newindex = store, __index = store}
local objs = {}
for i = 1, 50 do objs[i] = setmetatable({}, M) end
local s = 0
for i = 1, 100 do local o = objs[i % 50 + 1]; o.v = i; s = s + store.v end
print(s, store.v)
