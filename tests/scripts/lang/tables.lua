-- Tables: array/hash parts, length, next/pairs, table library basics.
local t = {}
for i = 1, 100 do t[i] = i end
assert(#t == 100)
t[101] = 101
assert(#t == 101)
t[101] = nil
assert(#t == 100)
local r = {}
for i = 100, 1, -1 do r[i] = i end
assert(#r == 100)
local h = {x = 1, y = 2, [1.5] = 3, [true] = 4}
local n = 0
for k, v in pairs(h) do n = n + 1 end
assert(n == 4 and h[1.5] == 3 and h[true] == 4)
-- clearing during traversal is allowed
for k in pairs(h) do h[k] = nil end
assert(next(h) == nil)
-- -0 and 0 are the same key, float keys that are integers hit the array part
local z = {}
z[0] = "zero"
assert(z[-0] == "zero")
z[2.0] = "two"
assert(z[2] == "two")
-- constructors
local c = {1, 2, 3, n = 3, [10] = 10}
assert(#c == 3 and c.n == 3 and c[10] == 10)
local nested = {{1}, {2, {3}}}
assert(nested[2][2][1] == 3)
-- table library
local l = {}
table.insert(l, "a"); table.insert(l, "c"); table.insert(l, 2, "b")
assert(table.concat(l) == "abc")
assert(table.remove(l, 1) == "a" and table.concat(l, "-") == "b-c")
local s = {5, 2, 8, 1, 9, 3}
table.sort(s)
assert(table.concat(s, ",") == "1,2,3,5,8,9")
table.sort(s, function(a, b) return a > b end)
assert(table.concat(s, ",") == "9,8,5,3,2,1")
local words = {"pear", "apple", "fig"}
table.sort(words)
assert(table.concat(words, " ") == "apple fig pear")
-- ipairs stops at the first nil
local cnt = 0
for i, v in ipairs({1, 2, nil, 4}) do cnt = cnt + 1 end
assert(cnt == 2)
-- numeric for edge cases
local steps = 0
for i = 10, 1, -3 do steps = steps + 1 end
assert(steps == 4)
for i = 1, 0 do error("never") end
local fl = 0
for i = 0, 1, 0.25 do fl = fl + 1 end
assert(fl == 5)
-- large sparse keys
local sp = {}
sp[1e10] = 1; sp[-5] = 2
assert(sp[1e10] == 1 and sp[-5] == 2)
-- many string keys
local big = {}
for i = 1, 5000 do big["k" .. i] = i end
local sum = 0
for k, v in pairs(big) do sum = sum + v end
assert(sum == 5000 * 5001 / 2)
print(#{1, 2, 3, nil}, #{n = 1}, next({}, nil))
print("ok")
