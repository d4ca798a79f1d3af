local function f(x) return f(x - 1) end
local function g(...) return ... end
local function h(...) return 1, ... end
local function k(o) return o:m(1) end
local function l() return (f(1)) end
local function m() return f(1), f(2) end
return f, g, h, k, l, m
