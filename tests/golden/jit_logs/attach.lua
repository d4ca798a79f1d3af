-- jit.attach handlers see the same events, with the same arguments, as in LuaJIT.
local ju = require("jit.util")
local log = {}
local function on_trace(what, tr, func, pc, a, b)
  local loc = func and ju.funcinfo(func, pc).loc or "-"
  local extra = ""
  if what == "stop" then extra = " " .. ju.traceinfo(tr).linktype end
  log[#log + 1] = what .. " " .. tostring(tr) .. " " .. loc .. " " .. tostring(a) .. " " .. tostring(b) .. extra
end
local records, lines = 0, {}
local function on_record(tr, func, pc, depth)
  records = records + 1
  lines[ju.funcinfo(func, pc).currentline] = true
end
local exits = 0
local function on_exit(tr, ex) exits = exits + 1 end
jit.attach(on_trace, "trace")
jit.attach(on_record, "record")
jit.attach(on_exit, "texit")
local t = 0
for i = 1, 100 do t = t + i end
for i = 1, 300 do
  if i % 4 == 0 then t = t + 1 else t = t - 1 end
end
local function f(n) return n + 1 end
for i = 1, 100 do t = f(t) end
jit.attach(on_trace)
jit.attach(on_record)
jit.attach(on_exit)
for i = 1, 100 do t = t + i end
for _, l in ipairs(log) do print(l) end
local ls = {}
for l in pairs(lines) do ls[#ls + 1] = l end
table.sort(ls)
print("records", records, "lines", table.concat(ls, ","))
print("exits", exits)
print(t)
