-- Number formatting (tostring's %.14g and string.format %f/%e/%g) on many values,
-- including exact decimal ties, which LuaJIT rounds away from zero.
local seed = 12345
local function rnd()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed
end
local out = {}
for i = 1, 400 do
  local m = rnd() / 2147483648
  local e = rnd() % 40 - 20
  local x = (m - 0.5) * 10 ^ e
  out[#out + 1] = tostring(x)
  out[#out + 1] = string.format("%.3f %.1e %g %.0f", x, x, x, x)
end
for i = 1, 200 do
  local v = i * 0.125 - 10
  out[#out + 1] = string.format("%.2f %.0f %.1f", v, v, v / 4)
  out[#out + 1] = tostring(123456789012340 + i) .. " " .. tostring(i / 8)
end
for _, v in ipairs({0.5, 1.5, 2.5, -0.5, -2.5, 0.05, 0.25, 1e15, 1e16, 2^53, 1/3, 2/3, 1e-7}) do
  out[#out + 1] = string.format("%.0f|%.1f|%.14g|%g|%e", v, v, v, v, v) .. "|" .. tostring(v)
end
print(table.concat(out, "\n"))
print("ok")
