local a, b, c = ...
local pairs, t, v, self = nil or x.x > pairs.x.y % false, v"s"
do return a:m() end
local x, next, b
local function a(a, b)  end
