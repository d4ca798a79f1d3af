-- Generates bit.txt: LuaJIT BitOp results. Numbers are written with %.17g.
local vals = { 0, 1, -1, 2, 3, 7, 255, 256, -256, 0x7fffffff, -0x80000000, 2^31, 2^32, 2^32 + 1, -2^32 - 1, 2^52, 2^51,
  2^53, 2^54 + 4, 2^63, 2^64, 1e300, -1e300, 0.5, -0.5, 1.5, 2.5, -1.5, -2.5, 3.7, -3.7, 0.49999999999999994,
  4294967295.5, 2^51 + 0.5, 1 / 0, -1 / 0, 0 / 0, 0x12345678, 0x87654321, 0xdeadbeef, 1e-300, -1e-300, 123456789.123 }
local shifts = { 0, 1, 4, 31, 32, 33, -1, -31, 2^32 + 1, 1.5, 0 / 0 }
local function n(x) return string.format("%.17g", x) end
local out = {}
local function emit(...) out[#out + 1] = table.concat({...}, "\t") end
for _, x in ipairs(vals) do
  emit("tobit", n(x), bit.tobit(x))
  emit("bnot", n(x), bit.bnot(x))
  emit("bswap", n(x), bit.bswap(x))
  emit("tohex", n(x), "none", bit.tohex(x))
  for _, c in ipairs({ 0, 1, 2, 4, 7, 8, 9, 16, 17, -1, -8, -9, 1.5, 255, 256, 300, -2^31, 2^31 - 1, 2^32 + 3 }) do
    emit("tohex", n(x), n(c), bit.tohex(x, c))
  end
  for _, s in ipairs(shifts) do
    emit("lshift", n(x), n(s), bit.lshift(x, s))
    emit("rshift", n(x), n(s), bit.rshift(x, s))
    emit("arshift", n(x), n(s), bit.arshift(x, s))
    emit("rol", n(x), n(s), bit.rol(x, s))
    emit("ror", n(x), n(s), bit.ror(x, s))
  end
  for _, y in ipairs(vals) do
    emit("band", n(x), n(y), bit.band(x, y))
    emit("bor", n(x), n(y), bit.bor(x, y))
    emit("bxor", n(x), n(y), bit.bxor(x, y))
  end
end
emit("band3", n(0xff), n(0x0f0), n(0x3c), bit.band(0xff, 0xf0, 0x3c))
emit("bor3", n(1), n(2), n(4), bit.bor(1, 2, 4))
emit("bxor3", n(-1), n(1), n(2), bit.bxor(-1, 1, 2))
io.write(table.concat(out, "\n"), "\n")
