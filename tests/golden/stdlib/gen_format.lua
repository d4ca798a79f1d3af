-- Generates format.txt: string.format cases. Fields: hex(fmt), args, result.
-- args: comma-separated n:<double bits> | s:<hex> | nil | true | false ; "-" for none.
local ffi = require("ffi")
local u = ffi.new("union { double d; uint64_t u; }")
local function bits(x) u.d = x; return bit.tohex(tonumber(u.u / 2^32)) .. bit.tohex(tonumber(u.u % 2^32)) end
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local out = {}
local function enc(v)
  if type(v) == "number" then return "n:" .. bits(v) elseif type(v) == "string" then return "s:" .. hex(v) else return tostring(v) end
end
local function case(fmt, n, ...)
  local args = {}
  for i = 1, n do args[i] = enc((select(i, ...))) end
  local ok, r = pcall(string.format, fmt, ...)
  local res = ok and hex(r) or ("E:" .. tostring(r):gsub("'%?'", "'format'"))
  out[#out + 1] = hex(fmt) .. "\t" .. (n == 0 and "-" or table.concat(args, ",")) .. "\t" .. res
end
local nums = { 0, -0.0, 1, -1, 3.7, -3.7, 0.5, 1.5, 2.5, -2.5, 255, 65, 2^31, 2^32, 2^53, 2^63, -2^63, 2^64, 1e30, -1e30, 1/0, -1/0, 0/0,
  1/3, 2/3, 1e-5, 1e-4, 123456.789, 1e100, 1e300, 5e-324, 0.1, 12345678901234567, 100000, 1000000, 2^64 - 2^11, 0.05, -0.05,
  9.5, 10.5, 0.125, 0.375, 1.96875, 1.03125, 1234.5, 99.95, 0.000123456, 1e15, 1e16, 1e17 }
local convs = { "d", "i", "u", "o", "x", "X", "c", "e", "E", "f", "F", "g", "G", "a", "A", "s", "q" }
local specs = { "", "5", "-5", "05", "+", " ", "#", ".0", ".3", ".10", "10.4", "-10.4", "+.2", "#.0", "#10.3", "0.0", "+05", "- 8",
  "99", ".99", "#o", "-#012.5" }
for _, c in ipairs(convs) do
  for _, sp in ipairs(specs) do
    for _, x in ipairs(nums) do
      if not (sp == "99" or sp == ".99") or x == 1 or x == 1/3 or x == 1e300 then case("%" .. sp .. c, 1, x) end
    end
  end
end
local strs = { "", "abc", "a\0b", "hello world", "\r\n\t\"\\", "\0001", "\0a", "\1\0019\127\128\255", "10", " 0x10 ", "1e2", "x", "0x" }
for _, c in ipairs({ "s", "q", "d", "x", "f", "g", "c" }) do
  for _, sp in ipairs({ "", "5", "-5", ".2", "5.2", ".0", "05" }) do
    for _, s in ipairs(strs) do case("%" .. sp .. c, 1, s) end
  end
end
for _, v in ipairs({ true, false }) do
  for _, c in ipairs({ "s", "q", "d", "5s", ".2s" }) do case("%" .. c, 1, v) end
end
for _, c in ipairs({ "s", "q", "d", "x", "5s" }) do case("%" .. c, 1, nil) end
-- error and parsing cases
for _, f in ipairs({ "%y", "%", "%5", "%5.", "%.", "%.d", "%123d", "%.100d", "%1.123d", "%5%", "%ld", "%hd", "%z", "%b", "%C",
  "%------5d", "%-------------------------5d", "%0000000000000000000005d", "abc%%def", "%%%d", "%d %d", "%d%s%q", "%.3q", "%10q",
  "%#s", "%+5s", "100%", "%%", "a%-+ #0y", "%\0d", "%d\0%d", "%5.f", "%.f", "%#x%#X%#o" }) do
  case(f, 0)
  case(f, 1, 5)
  case(f, 2, 1.5, "ab")
end
-- random specs
local seed = 7
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
local pieces = { "-", "+", " ", "#", "0", "1", "2", "9", ".", "3", "d", "x", "g", "e", "f", "s", "q", "a", "c", "%", "u", "o", "X", "l", "z" }
for _ = 1, 1500 do
  local f = { "%" }
  for _ = 1, rnd(6) do f[#f + 1] = pieces[rnd(#pieces)] end
  local x = nums[rnd(#nums)]
  case(table.concat(f), 2, x, "str")
end
io.write(table.concat(out, "\n"), "\n")
