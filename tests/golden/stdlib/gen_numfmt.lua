-- Generates numfmt.txt: tostring(number), tonumber(s), tonumber(s, base).
-- Numbers are transported as their 64-bit pattern in hex (via ffi), strings hex-encoded.
local ffi = require("ffi")
local u = ffi.new("union { double d; uint64_t u; }")
local function bits(x) u.d = x; return string.format("%016x", tonumber(bit.rshift(u.u, 32)) * 2^32 + tonumber(bit.band(u.u, 0xffffffff))) end
local function bits2(x) u.d = x; return bit.tohex(tonumber(u.u / 2^32)) .. bit.tohex(tonumber(u.u % 2^32)) end
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local out = {}
local function num_out(x) if x == nil then return "nil" end return bits2(x) end
local nums = { 0, -0.0, 1, -1, 0.1, 1/3, -1/3, 1e100, 1e15, 1e14, 1e16, 123456789012345, 1234567890123456, 2^53, 2^63, 2^64,
  1e-5, 1e-4, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1/0, -1/0, 0/0, 100, -100, 99999999999999.5,
  999999999999999, 0.5, 1.5, 123.456, 1e21, 1e-7, 3.14159265358979, 2^-1074, 12345678901234567890 }
local seed = 99
local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648; return seed end
for _ = 1, 600 do
  u.u = ffi.cast("uint64_t", rnd()) * 2^33 + rnd() * 4 + rnd() % 4
  nums[#nums + 1] = u.d
end
for _ = 1, 300 do nums[#nums + 1] = (rnd() - 2^30) / 2^(rnd() % 40) end
for _ = 1, 200 do nums[#nums + 1] = rnd() % 100000 end
for _, x in ipairs(nums) do out[#out + 1] = "tostring\t" .. bits2(x) .. "\t" .. hex(tostring(x)) end
local strs = { "10", " 10 ", "0x10", "0X1f", "  0x", "0x", "1e", "1e5", ".5", "5.", ".", "-.5", "- 5", "-0x10", "+5", "+0x10",
  "0x1p4", "0x1.8", "inf", "nan", "1e400", "-1e400", "0x7fffffffffffffffff", "1\0", "\t\n10\v\f\r", "10a", "", " ", "1 2",
  "0b101", "1e+5", "1E-5", "0x.8", "00010", "1.5e3x", "infinity", "0x1P4", "1f", "1.e1", "0xffffffffffffffff", "  -0  ",
  "-inf", "INF", "Nan", "+inf", "-nan", "infx", "in", "0x1p", "0x1p-2", "0x1e", "0x1P+2", "1e-400", "1LL", "1i", "0b", "0b2",
  "0B11", "0b1.1", "07", "0x1.", "0x.", "1e+", "1e-", "--1", "0x-1", "9007199254740993", "0.1000000000000000055511151231257827",
  "123456789012345678901234567890", "2.2250738585072011e-308", "4.9e-324", "2e-324", "3e-324", "0x1p-1075", "0x1.8p-1075",
  "0x1p-1074", "0x1.fffffffffffffp-1023", "0x1p1024", "0x10000000000000000000000001", "1.7976931348623157e308",
  "1.7976931348623158e308", "1.7976931348623159e308", "0x1.fffffffffffff8p1023", "0x1.fffffffffffff7ffp1023", ".e1", "0.", "0x0",
  "  0x1  ", "\v1", "1\v", "\0001", "0x123456789abcdef0123", "0x0.000000000000000000001p0", "1e99999999999999999999",
  "1e-99999999999999999999", "0e99999", "0x1p99999999999999999", "0b" .. string.rep("1", 70), "0b1" .. string.rep("0", 60) .. "1" .. string.rep("0", 9),
  "0x20000000000001", "0x20000000000003", "0x20000000000001000001", "9007199254740993.0000001", "1" .. string.rep("0", 400),
  "0." .. string.rep("0", 400) .. "1", "0x1.0000000000000800000000001p0" }
for _ = 1, 300 do
  local chars = { "0", "1", "9", ".", "e", "E", "x", "p", "+", "-", " ", "a", "f", "5", "0x", "inf" }
  local s = {}
  for _ = 1, rnd() % 7 + 1 do s[#s + 1] = chars[rnd() % #chars + 1] end
  strs[#strs + 1] = table.concat(s)
end
for _, s in ipairs(strs) do out[#out + 1] = "tonumber\t" .. hex(s) .. "\t10\t" .. num_out(tonumber(s)) end
local bstrs = { "10", "ff", "FF", "zz", "  11  ", "12", "-ff", "0x10", "1.5", "", "8", "7fffffffffffffff", "ffffffffffffffffffff",
  "-", "1e1", "0x", "0xg", "1\0x", "z", "Z", "1z", " - 1", "-1", "- 1", " +1 ", "0x1", "  ", "-0", "1000000000000000000001",
  "18446744073709551615", "18446744073709551617", "0X1f", "+-1", "1 ", "1\t\n", "777", "0b1", "10\0" }
for _, s in ipairs(bstrs) do
  for _, b in ipairs({ 2, 3, 8, 9, 10, 11, 12, 16, 35, 36 }) do
    out[#out + 1] = "tonumber\t" .. hex(s) .. "\t" .. b .. "\t" .. num_out(tonumber(s, b))
  end
end
io.write(table.concat(out, "\n"), "\n")
