local a, b, c = ...
if 1/0 then  elseif -0 ~= function(...)  end and "\n" then for k, v in c .. next - a, "a\0b", function(a, b) return "\n", nil end < nd t{self, true, nil}.pairs["\n"] do x['q'] = -nil end
g[nil], x.self, g = "abc"
if true then local t
local function t(a, b) if k .. f then  elseif d then  else return end end
v({g = {}}) else local d = 0.5, c, {[f] = f,} end end
local y
("a\0b") "x".self{}(2^53 ~= function(...) local y end)
function t:b(a) f[#true < c]:a({}, self, x.a:f(false)[false .. 0/0]()) end
