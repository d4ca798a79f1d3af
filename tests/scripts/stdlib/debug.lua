-- debug library.
local function check(got, want, what)
  if got ~= want then error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2) end
end
local function f() local t = debug.traceback("msg") return t end
local tb = f()
check(tb:match("^msg\nstack traceback:\n\t[^\n]*debug.lua:5: in function 'f'") ~= nil, true, "traceback")
check(debug.traceback({}) ~= nil and type(debug.traceback({})), "table", "traceback non-string")
local info = debug.getinfo(1)
check(info.what, "main", "what main") check(info.short_src:match("debug%.lua$"), "debug.lua", "short_src")
check(info.currentline, 9, "currentline") check(info.source:match("^@.*debug%.lua$") ~= nil, true, "source")
local function g(a, b)
  local c = 3
  local gi = debug.getinfo(1, "nSl")
  return gi, debug.getlocal(1, 3)
end
local gi, name, val = g(10, 20)
check(gi.name, "g", "name") check(gi.namewhat, "local", "namewhat") check(gi.what, "Lua", "what")
check(gi.linedefined, 12, "linedefined") check(gi.lastlinedefined, 16, "lastlinedefined")
check(name, "c", "getlocal name") check(val, 3, "getlocal value")
check(debug.getinfo(print).what, "C", "C function") check(debug.getinfo(print).currentline, -1, "C line")
check(debug.getinfo(100), nil, "level out of range")
local up = 5
local function h() return up end
local n, v = debug.getupvalue(h, 1)
check(n, "up", "upvalue name") check(v, 5, "upvalue value")
check(debug.setupvalue(h, 1, 7), "up", "setupvalue") check(h(), 7, "after setupvalue")
check(debug.getmetatable("x").__index, string, "string metatable")
check(type(debug.getregistry()), "table", "registry")
local env = {}
local function e() end
debug.setfenv(e, env) check(debug.getfenv(e), env, "fenv")
debug.setmetatable(10, { __index = { twice = function(x) return 2 * x end } })
check((5):twice(), 10, "number metatable")
debug.setmetatable(10, nil)
local function one() return 1 end
local function two() return 2 end
print(debug.gethook())
print(info.what, gi.name, gi.namewhat, name, val)
print("ok")
