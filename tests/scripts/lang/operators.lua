-- Arithmetic, comparison, concatenation, coercion and every metamethod.
assert(1 + 2 == 3 and 7 - 10 == -3 and 6 * 7 == 42 and 1 / 4 == 0.25)
assert(7 % 3 == 1 and -7 % 3 == 2 and 7 % -3 == -2 and 5.5 % 2 == 1.5)
assert(2 ^ 10 == 1024 and -2 ^ 2 == -4)
assert("10" + 5 == 15 and "0x10" * 2 == 32 and " 3 " - 1 == 2)
assert(10 .. 20 == "1020" and "a" .. 1.5 == "a1.5")
assert(1 < 2 and not (2 < 1) and 1 <= 1 and "a" < "b" and "abc" < "abd" and "" < "a")
assert(not (0/0 == 0/0) and 0/0 ~= 0/0)
assert(1/0 == math.huge and -1/0 == -math.huge)
assert(tostring(1e15) == "1e+15" and tostring(123456789012) == "123456789012")
assert(tostring(0.1) == "0.1" and tostring(-0.0) == "-0" and tostring(1/3) == "0.33333333333333")
assert(#"hello" == 5 and #{1, 2, 3} == 3)
assert(not nil == true and not 0 == false)
assert((nil or 5) == 5 and (false and 1) == false and (1 and 2) == 2)

local log = {}
local mt = {}
local function V(x) return setmetatable({v = x}, mt) end
for _, name in ipairs({"add", "sub", "mul", "div", "mod", "pow"}) do
  mt["__" .. name] = function(a, b)
    log[#log + 1] = name
    local x = type(a) == "table" and a.v or a
    local y = type(b) == "table" and b.v or b
    return V(x * 100 + y)
  end
end
mt.__unm = function(a) return V(-a.v) end
mt.__concat = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return x .. "&" .. y
end
mt.__eq = function(a, b) return a.v == b.v end
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
mt.__len = function(a) return 99 end
mt.__call = function(self, x, y) return self.v + x + y end
mt.__tostring = function(a) return "V(" .. a.v .. ")" end
mt.__index = function(t, k) return k .. "?" end

local a, b = V(1), V(2)
assert((a + b).v == 102 and (a - 3).v == 103 and (4 * b).v == 402)
assert((a / b).v == 102 and (a % b).v == 102 and (a ^ b).v == 102)
assert(table.concat(log, ",") == "add,sub,mul,div,mod,pow")
assert((-a).v == -1)
assert(a .. "x" == "1&x" and "y" .. b == "y&2" and a .. b .. "z" == "1&2&z")
assert(a == V(1) and a ~= b and not (a == b))
assert(a < b and a <= b and not (b < a) and b > a and b >= a)
assert(a(10, 20) == 31)
assert(tostring(a) == "V(1)")
assert(a.missing == "missing?")
assert(rawequal(a, a) and not rawequal(a, V(1)))

-- __index / __newindex chains through tables
local base = {greet = "hi"}
local mid = setmetatable({}, {__index = base})
local top = setmetatable({}, {__index = mid})
assert(top.greet == "hi" and rawget(top, "greet") == nil)
local store = {}
local proxy = setmetatable({}, {__newindex = store})
proxy.x = 5
assert(rawget(proxy, "x") == nil and store.x == 5)
local seen
local watched = setmetatable({}, {__newindex = function(t, k, v) seen = k .. "=" .. v; rawset(t, k, v) end})
watched.a = 1
assert(seen == "a=1" and watched.a == 1)
watched.a = 2 -- existing key: no metamethod
assert(seen == "a=1" and watched.a == 2)

-- __len is not used for tables in 5.1 but is for userdata
local u = newproxy(true)
getmetatable(u).__len = function() return 7 end
assert(#u == 7)
assert(#setmetatable({1, 2}, {__len = function() return 0 end}) == 2)

-- __metatable protection
local prot = setmetatable({}, {__metatable = "locked"})
assert(getmetatable(prot) == "locked")
assert(not pcall(setmetatable, prot, {}))

-- string methods through the string metatable
assert(("x"):rep(3) == "xxx" and ("abc"):upper() == "ABC" and ("hello"):sub(2, 3) == "el")
assert(("abc"):byte(1, -1) == 97 and #("abc"):rep(2, ",") == 7)
-- __concat through runs of strings, numbers and objects
local cmt = {__concat = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return x .. "+" .. y
end}
local function C(v) return setmetatable({v = v}, cmt) end
assert("p" .. "q" .. C("A") .. "r" .. "s" == "pqA+rs")
assert(1 .. C("A") .. 2 .. C("B") .. 3 == "1A+2B+3")
print("ok")
