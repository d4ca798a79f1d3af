local function a() return end
local function b(return 1 end
local function c(x) return x end
local function d(x, y) return x, y end
local function e() return 1, 2, 3 end
local function f() if x then return 1 else return 2 end end
local funtion c(x) return xction g() do return end end
local function h() local x = 1; return function() return x end end
local function i() return; end
return a
