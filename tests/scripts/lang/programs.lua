-- Small whole programs: OOP with metatables, string building, binary trees, sorting.
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v end
function Account:get() return self.balance end
local Sav = setmetatable({}, {__index = Account})
Sav.__index = Sav
function Sav.new(b) local o = Account.new(b) return setmetatable(o, Sav) end
function Sav:interest() self:deposit(self:get() * 0.1) end
local a = Sav.new(100)
for i = 1, 10 do a:interest() end
print(string.format("%.4f", a:get()))
local Stack = {}
Stack.__index = Stack
function Stack.new() return setmetatable({n = 0}, Stack) end
function Stack:push(v) self.n = self.n + 1; self[self.n] = v end
function Stack:pop() local v = self[self.n]; self[self.n] = nil; self.n = self.n - 1; return v end
local s = Stack.new()
for i = 1, 100 do s:push(i * i) end
local sum = 0
while s.n > 0 do sum = sum + s:pop() end
print(sum)
local parts = {}
for i = 1, 20 do parts[#parts + 1] = tostring(i / 7) end
print(table.concat(parts, " "))
print(1e100, -1e-100, 2^53, 2^63, 12345.678, -0.5, 1/3*3)
local str = ""
for i = 1, 50 do str = str .. string.char(65 + i % 26) end
print(str, #str, str:sub(-5), str:byte(10))
print(math.floor(-3.5), math.max(1, 5, 3), math.min(4, -2), math.abs(-7), math.sqrt(16), math.huge, -math.huge)
print(tostring(true), tonumber("0x1p4"), tonumber("1e"), tonumber("  -7  "), tonumber("5", 8))
print(select("#", nil, nil), type(nil), type(print), type({}), type("s"), type(2))
local t = setmetatable({}, {__tostring = function() return "TT" end})
print(t, tostring(t))
print(string.format("[%5d][%-5d][%05.1f][%x][%s][%q]", 42, 42, 3.14159, 255, nil, "a\nb"))

goto_test = nil
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then break end
    io.write(i, ":", j, " ")
  end
end
print()
local function va(...) local a, b = ... return a, b, select("#", ...) end
print(va()) print(va(1)) print(va(1, 2, 3))
print(pcall(function(...) return ... end, 1, 2, 3))
print(unpack({1, nil, 3}, 1, 3))
print(rawlen == nil, _VERSION, getfenv(1) == _G)
local env = {print = print}
local f = loadstring("x = 10; print(x)")
setfenv(f, env)
f()
print(env.x, x)
print(loadstring("return ...")(7, 8))
print(load("return 1 +")) 
local n = 0
local co = coroutine.wrap(function() for k, v in pairs({a = 1, b = 2, c = 3}) do coroutine.yield(k) end end)
for i = 1, 3 do n = n + #co() end
print(n)
local function bottomUp(d) if d == 0 then return {} end d = d - 1 return {bottomUp(d), bottomUp(d)} end
local function check(t) if t[1] then return 1 + check(t[1]) + check(t[2]) end return 1 end
local N = 8
local long = bottomUp(N)
for d = 4, N, 2 do
  local iters = 2 ^ (N - d + 4)
  local c = 0
  for i = 1, iters do c = c + check(bottomUp(d)) end
  print(iters, d, c)
end
print(check(long))
local t = {}
for i = 1, 1000 do t[i] = ("x"):rep(i % 10) .. i end
local total = 0
for i, s in ipairs(t) do total = total + #s end
print(total)
local words = {}
for i = 1, 100 do words[i] = string.char(97 + (i * 7) % 26, 97 + (i * 3) % 26) end
table.sort(words)
print(table.concat(words, ",", 1, 10))
local cache = setmetatable({}, {__mode = "k"})
for i = 1, 100 do cache[{}] = i end
collectgarbage()
local c = 0
for _ in pairs(cache) do c = c + 1 end
print(c)
print(("%d-%s"):format(5, "x"), ("abc"):len(), ("ABC"):lower())
print(#"\0abc", "a\0b" == "a\0b", ("a\0b"):byte(2))
print(string.rep("ab", 3, "-"), ("hello"):reverse())
print(10 == "10", 0.1 + 0.2 == 0.3, 0.1 + 0.2, 100 / 3)
print(math.fmod(7, 3), math.fmod(-7, 3), -7 % 3, 7 % -3, 5 % 0, -5 % math.huge)
print(2^0.5)
print("ok")
