-- Generates readnum.txt: io.read("*n") on small files. Line: hex(input) \t value|nil \t hex(rest)
local ffi = require("ffi")
local u = ffi.new("union { double d; struct { uint32_t lo, hi; } w; }")
local function bits(x) u.d = x; return bit.tohex(u.w.hi) .. bit.tohex(u.w.lo) end
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local tmp = os.tmpname()
local out = {}
local function probe(s)
  local f = assert(io.open(tmp, "wb")) f:write(s) f:close()
  f = assert(io.open(tmp, "rb"))
  local n = f:read("*n")
  local rest = f:read("*a")
  f:close()
  out[#out + 1] = hex(s) .. "\t" .. (n == nil and "nil" or bits(n)) .. "\t" .. hex(rest)
end
local fixed = { "0x10 rest", "  12abc", "1e5x", "inf", "nan", "0b101", "-.5e1", "1..2", "abc", "1e", "  \n 7", "1e+", "1e+x", "-", "+",
  ".", "-.", ".e1", "0x", "0xg", "0x.", "0x.p1", "0x1p", "0x1p+", "i", "in", "inx", "infinity", "infin", "infinx", "nan(123)",
  "nanx", "na", "NaN", "-inf", "+nan", "1.5.5", "00012", "1,5", " \t\n\r 5", "\v\f5", "1e5e5", "0x1.8p1x", "--5", "+-5", "5-", "",
  "   ", "1234567890123456789012345678901234567890", "0.000000000000000000000000000000001e-300", "0e", "0x1P-2", "1E+2", ".5",
  "5.", "0x.1", "0x.g", "0xp1", "0x1.", "0x.8p1", "0X", "0x0", "0e1", "..", "e1", "0xe", "x", "1x", "0y", "00x1", "-0x", "-0x.",
  "0x1e+1", "0x1p1.5", "1.e5", "1e.5", "INFINITY", "infinit", "-i", "-n", "nan5", "inf5", "+.5", "-.5e-1x", "1e99999999",
  "1e-99999999", "0e99999999", "0x1p99999999", "1e400", "1e-400", "\0" .. "5", "5\0", "0x1P", "1E", "1e-", "+0x1p-1074" }
for _, s in ipairs(fixed) do probe(s) end
local seed = 17
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local pieces = { "0", "1", "9", ".", "e", "E", "x", "X", "p", "+", "-", " ", "\n", "a", "f", "i", "n", "inf", "nan", "0x", "5" }
for _ = 1, 1500 do
  local s = {}
  for _ = 1, rnd(7) + 1 do s[#s + 1] = pieces[rnd(#pieces) + 1] end
  probe(table.concat(s))
end
os.remove(tmp)
io.write(table.concat(out, "\n"), "\n")
