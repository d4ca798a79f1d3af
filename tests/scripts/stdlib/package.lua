-- package / require / module.
local function check(got, want, what)
  if got ~= want then error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2) end
end
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir .. "/pkg") == 0)
local function write(path, text)
  local f = assert(io.open(dir .. "/" .. path, "w")) f:write(text) f:close()
end
write("mymod.lua", "local name = ... return { name = name, value = 42 }")
write("pkg/init.lua", "return 'pkg init'")
write("pkg/sub.lua", "return 'pkg.sub'")
write("broken.lua", "return +")
write("loop_a.lua", "return require('loop_b')")
write("loop_b.lua", "return require('loop_a')")
write("old.lua", "module('old', package.seeall) function hello() return tostring(_NAME) end")
package.path = dir .. "/?.lua;" .. dir .. "/?/init.lua"
package.cpath = dir .. "/?.so"

local m = require("mymod")
check(m.value, 42, "require") check(m.name, "mymod", "module name argument")
check(require("mymod"), m, "cached")
check(package.loaded.mymod, m, "package.loaded")
check(require("pkg"), "pkg init", "?/init.lua")
check(require("pkg.sub"), "pkg.sub", "dotted")
package.preload.virtual = function(name) return "preloaded " .. name end
check(require("virtual"), "preloaded virtual", "preload")
package.loaded.fake = "fake"
check(require("fake"), "fake", "loaded first")
local ok, e = pcall(require, "nosuch")
check(ok, false, "missing")
check(e, "module 'nosuch' not found:\n\tno field package.preload['nosuch']\n\tno file '" .. dir ..
  "/nosuch.lua'\n\tno file '" .. dir .. "/nosuch/init.lua'\n\tno file '" .. dir .. "/nosuch.so'", "missing message")
ok, e = pcall(require, "broken")
check(ok, false, "broken") assert(e:find("error loading module 'broken' from file", 1, true), e)
ok, e = pcall(require, "loop_a")
check(ok, false, "loop") assert(e:find("loop or previous error loading module", 1, true), e)
require("old")
check(old.hello(), "old", "module/seeall")
check(old._NAME, "old", "_NAME") check(old._M, old, "_M")
check(package.searchpath("mymod", package.path), dir .. "/mymod.lua", "searchpath")
check(type(package.loaders), "table", "loaders") check(#package.loaders, 4, "four loaders")
check(package.loaded.string, string, "string loaded") check(package.loaded._G, _G, "_G loaded")
check(package.loadlib("x", "y"), nil, "loadlib")
os.execute("rm -rf " .. dir)
print("ok")
