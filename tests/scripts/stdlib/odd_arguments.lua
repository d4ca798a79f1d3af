-- skein-only (LuaJIT spends minutes on some of these calls): every library function
-- called with odd argument combinations must raise errors or return, never crash.
local skip = { ["os.exit"] = true, ["os.execute"] = true, ["io.popen"] = true, ["debug.debug"] = true,
  ["io.read"] = true, ["io.lines"] = true, ["io.close"] = true, ["io.input"] = true, ["io.output"] = true,
  ["os.remove"] = true, ["os.rename"] = true, ["debug.sethook"] = true, ["debug.setmetatable"] = true,
  ["debug.setfenv"] = true, ["debug.setupvalue"] = true, ["debug.upvaluejoin"] = true, ["debug.setlocal"] = true,
  ["io.write"] = true, ["io.open"] = true, ["os.tmpname"] = true, ["io.tmpfile"] = true }
local vals = { nil, true, 0, -1, 1, 2^31, -2^31, 2^53, -2^63, 1/0, -1/0, 0/0, 0.5, "", "abc", "%", "%d", "(", "[",
  "%b", "%f", "*n", "*l", "*a", "10", {}, {1, 2, 3}, print, function() return 1 end, "^$", "a*", ".-", "%1" }
local n = 0
for _, lib in ipairs { "string", "table", "math", "os", "bit", "debug", "package", "io" } do
  local names = {}
  for k, v in pairs(_G[lib]) do if type(v) == "function" then names[#names + 1] = k end end
  table.sort(names)
  for _, name in ipairs(names) do
    if not skip[lib .. "." .. name] then
      local f = _G[lib][name]
      for i = 1, #vals + 1 do
        for j = 1, #vals + 1, 3 do
          for k = 1, #vals + 1, 7 do
            pcall(f, vals[i], vals[j], vals[k])
            n = n + 1
          end
        end
      end
    end
  end
end
print("calls", n)
print("ok")
