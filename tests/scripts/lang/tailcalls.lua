-- Proper tail calls run in constant space; deep non-tail recursion is an error.
local function loop(n) if n == 0 then return "done" end return loop(n - 1) end
assert(loop(1000000) == "done")
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
assert(even(1000001) == false)
local function acc(n, s) if n == 0 then return s end return acc(n - 1, s + n) end
assert(acc(1000000, 0) == 500000500000)
-- tail call through a vararg function
local function va(n, ...) if n == 0 then return select("#", ...) end return va(n - 1, ...) end
assert(va(100000, 1, 2, 3) == 3)
-- tail call of a native and of pcall
local function tn(s) return tostring(s) end
assert(tn(5) == "5")
local function tp(f) return pcall(f) end
local ok, e = tp(function() error("x", 0) end)
assert(ok == false and e == "x")
assert(select("#", tp(function() return 1, 2 end)) == 3)
-- __call in tail position
local callable = setmetatable({}, {__call = function(self, a) return a * 2 end})
local function tc(a) return callable(a) end
assert(tc(21) == 42)
-- stack overflow is a catchable error
local function rec(n) return 1 + rec(n + 1) end
local ok2, msg = pcall(rec, 1)
assert(not ok2 and msg:sub(-14) == "stack overflow")
print("ok")
