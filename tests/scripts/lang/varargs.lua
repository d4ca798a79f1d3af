-- Varargs, select, unpack, multiple assignment and multiple results.
local function count(...) return select("#", ...) end
assert(count() == 0 and count(nil) == 1 and count(1, nil, nil) == 3)
local function pass(...) return ... end
assert(select("#", pass(1, 2, 3)) == 3)
assert(select(2, "a", "b", "c") == "b")
assert(select(-1, "a", "b", "c") == "c")
assert(select(-2, "a", "b", "c") == "b")
local function tail(...) local a, b = ... return b, a end
local x, y = tail(1, 2)
assert(x == 2 and y == 1)
local t = {pass(1, 2, 3)}
assert(#t == 3 and t[3] == 3)
local t2 = {pass(1, 2, 3), 10}
assert(#t2 == 2 and t2[1] == 1 and t2[2] == 10)
assert(select("#", unpack({1, 2, 3})) == 3)
assert(select("#", unpack({1, 2, 3}, 2)) == 2)
assert(select("#", unpack({}, 1, 3)) == 3)
local a, b, c = 1
assert(a == 1 and b == nil and c == nil)
local p, q = 1, 2, 3
assert(p == 1 and q == 2)
local i, k = 1, 2
i, k = k, i
assert(i == 2 and k == 1)
local tt = {}
local n = 1
n, tt[n] = n + 1, 20
assert(n == 2 and tt[1] == 20)
local function multi() return 1, 2, 3 end
local function three(a, b, c) return a + b + c end
assert(three(multi()) == 6)
assert(three(0, multi()) == 3)
assert((multi()) == 1)
local function varsum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s
end
assert(varsum(1, 2, 3, 4) == 10)
local function fixed_and_var(a, ...) return a, select("#", ...) end
local f1, f2 = fixed_and_var(5, 6, 7)
assert(f1 == 5 and f2 == 2)
print(pass(1, nil, 3))
print(select("#", pass()))
print("ok")
