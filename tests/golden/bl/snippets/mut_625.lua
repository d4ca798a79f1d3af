local a, b, c = ...
a:c(-nil * f >= t < ..., 256, -2^53 == next)
local function self(a) function b.d(...) local function f(a, b) t[true][nil](d, b(false, false))
(true)[v](y(), {b = -(1), "a\0b", g = false,}, true)
::l1:: end
function self:v(...) do local a, ke)()
local i, self, v
x.a, y.next, k = {,}, 0/0
return -nil, c:k()(nil)(false)() end
local b, b = "\n", not "\n", 3%2 + 'q' .. false
if a[false](nil, x) then local a, v, f = #true, i, b[f]:x("s", b) elseif c then  end end
function pairs(a) y.t, next.pairs = [[long]] <= "a\0b" ~= f, b, ...
local b = "x", #c <= 0.5, next{false}
do pairs[false],[x] = {[true] = nil}, {[nil] = c; true; next = true; false; ['q'] = nil,}
t, x, f.next = true, nil and nil end end
i[false <= false]:next(c.b(false) [[long]], {[false] = pairs()(true), i = {0/0; ["\n"] = false}, [-0 <= true] = (true).i, [2^53 == "s"] = 1e-3, v = -(1)}) end
local c, pairs
local x end
