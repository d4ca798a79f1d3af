-- Generates misc.txt: string.sub/byte/rep/char index rules and math quirks.
-- Numbers travel as 16-hex-digit IEEE bit patterns.
local ffi = require("ffi")
local u = ffi.new("union { double d; uint64_t u; }")
local function b(x) u.d = x; return bit.tohex(tonumber(u.u / 2^32)) .. bit.tohex(tonumber(u.u % 2^32)) end
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local out = {}
local function emit(...) out[#out + 1] = table.concat({ ... }, "\t") end
local idx = { 0, 1, 2, 3, 5, 6, 10, -1, -2, -5, -6, -100, 2.7, -1.5, 0.5, 2^31, -2^31, 2^53, 1 / 0, -1 / 0, 0 / 0, 1e10, -1e10 }
for _, s in ipairs({ "", "hello", "a" }) do
  for _, i in ipairs(idx) do
    for _, j in ipairs(idx) do
      emit("sub", hex(s), b(i), b(j), hex(s:sub(i, j)))
      local r = { s:byte(i, j) }
      emit("byte", hex(s), b(i), b(j), #r == 0 and "-" or table.concat(r, ","))
    end
  end
end
for _, n in ipairs({ -1, 0, 1, 2, 3, 2.7, 1e10, 2^31, 0 / 0, -2^31 }) do
  for _, sep in ipairs({ "", ",", "--" }) do
    local ok, r = pcall(string.rep, "ab", n, sep)
    emit("rep", b(n), hex(sep), ok and hex(r) or ("E:" .. r))
  end
end
local big = pcall(string.rep, "x", 2^31 - 1)
emit("repbig", tostring(big))
for _, c in ipairs({ 0, 65, 255, 256, -1, 65.7, 2^32 + 65, 0 / 0 }) do
  local ok, r = pcall(string.char, 72, c)
  emit("char", b(c), ok and hex(r) or "E")
end
local nums = { 0, -0.0, 1, -1, 0.5, -0.5, 3.7, -3.5, 5, -5, 8, 1e300, 5e-324, 2.2250738585072014e-308, 1 / 0, -1 / 0, 0 / 0, 2, 10, 3, 1e-310 }
for _, x in ipairs(nums) do
  local i, f = math.modf(x)
  emit("modf", b(x), b(i) .. "," .. b(f))
  local m, e = math.frexp(x)
  emit("frexp", b(x), b(m) .. "," .. e)
  for _, y in ipairs(nums) do
    emit("max", b(x), b(y), b(math.max(x, y)))
    emit("min", b(x), b(y), b(math.min(x, y)))
    emit("fmod", b(x), b(y), b(math.fmod(x, y)))
    emit("log", b(x), b(y), b(math.log(x, y)))
  end
  emit("log1", b(x), b(math.log(x)))
  for _, e in ipairs({ 0, 1, -1, 2.7, -2.7, 1023, 1024, -1074, -1075, -1076, 2000, -2000, 2^40, -2^40, 0 / 0, 1 / 0, -1 / 0 }) do
    emit("ldexp", b(x), b(e), b(math.ldexp(x, e)))
  end
end
-- chunk names as error messages show them
local names = { "=abc", "@file.lua", "plain", "line1\nline2", "", "@", "=", "short\n", "\nstarts", "a\rb", "a\tb", "ab\0cd",
  "=a\0b", "@a\0b", "\31x", "x\127y", "\200\201" }
for n = 40, 62 do
  names[#names + 1] = string.rep("w", n)
  names[#names + 1] = "=" .. string.rep("q", n)
  names[#names + 1] = "@" .. string.rep("r", n)
  names[#names + 1] = string.rep("v", n - 3) .. "\n" .. "tail"
end
for _, n in ipairs(names) do
  local ok, e = pcall(loadstring("error('E', 1)", n))
  emit("chunkname", hex(n), hex((e:gsub(":1: E$", ""))))
end
io.write(table.concat(out, "\n"), "\n")
