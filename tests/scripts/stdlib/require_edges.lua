-- package/require edge cases.
local function P(...) print(pcall(...)) end
P(require)
P(require, 42)
package.path = "/nonexistent/?.lua"
P(require, "a.b.c")
package.preload["x.y"] = function(...) return select("#", ...), ... end
P(require, "x.y")
print(package.loaded["x.y"])
package.preload.nilret = function() end
P(require, "nilret") print(package.loaded.nilret)
package.preload.err = function() error("in loader") end
P(require, "err")
P(require, "err")
package.loaders = nil
P(require, "zzz")
P(module)
local m = {} package.seeall(m) print(getmetatable(m).__index == _G)
P(package.searchpath, "a.b", "./?.x;?/?.y")
P(package.searchpath, "a.b", "?.x", "", "")
P(package.searchpath, "a.b", "?.x", ".", "_")
print("ok")
