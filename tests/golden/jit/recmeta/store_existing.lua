-- Stores to an existing key of a table with a metatable: typed HLOAD, HSTORE, TBAR.
local M = {__index = {}}
local o = setmetatable({x = 0}, M)
for i = 1, 100 do o.x = i end
print(o.x)
