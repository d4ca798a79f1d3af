local a, b, c = ...256 % ..., -"
c.f, x.self = 256 % ..., -"a\0b"
local g,--[[ f, g = #y, x "\n", f().k
