local a = 1LL
local b = 2ULL
local c = 3i
