-- Generates date.txt: os.date formats and tables, os.time normalisation (TZ must be UTC).
-- Lines: date \t time \t hex(format) \t hex(result)|nil ; table \t time \t fields ;
--        time \t y,m,d,h,mi,s,isdst \t result|nil
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local out = {}
local times = { 0, -1, 1, 86399, 86400, 951782400, 951868800, 1000000000, 1700000000, 2147483647, 2147483648, -2208988800,
  -62167219200, -62167219201, -62135596800, -100000000000, 253402300799, 253402300800, 1e12, -1e12, 2^40, -2^40, 1230768000,
  1262304000, 1293753600, 1104537600, 1136073600, 1167609600, 1199145600, 1230681600, 1609459200, 1640995200, 4107542400 }
local seed = 3
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
for _ = 1, 40 do times[#times + 1] = rnd(2000000000) * 4 - 4000000000 + rnd(86400) end
for _ = 1, 15 do times[#times + 1] = (rnd(2000000) - 1000000) * 86400 * 50 + rnd(86400) end
local convs = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%"
local fmts = {}
for c in convs:gmatch(".") do fmts[#fmts + 1] = "%" .. c end
local full = {}
for c in convs:gmatch(".") do full[#full + 1] = "%" .. c end
fmts[#fmts + 1] = table.concat(full, "|")
for _, f in ipairs({ "_", "-", "0", "^", "#", "5", "_5", "-5", "05", "^8", "#8", "1", "012", "E", "O", "_3", "-1", "^#", "010" }) do
  local parts = {}
  for c in convs:gmatch(".") do parts[#parts + 1] = "%" .. f .. c end
  fmts[#fmts + 1] = table.concat(parts, "|")
end
for _, f in ipairs({ "%", "abc%", "%5", "%-5", "%10v", "%_3q", "%^10v", "%010v", "%E", "%EE", "%EOd", "%Ea", "%Oa", "%q%", "%%%", "%O",
  "%+", "%1", "% ", "*t", "x*t", "%Y-%m-%dT%H:%M:%S", "", "plain text", "%c %x %X", "%\0Y" }) do fmts[#fmts + 1] = f end
for _, t in ipairs(times) do
  for _, f in ipairs(fmts) do
    for _, bang in ipairs(f:find("|", 1, true) and f:sub(1, 2) ~= "%a" and { "!" } or { "!", "" }) do
      local ok, r = pcall(os.date, bang .. f, t)
      out[#out + 1] = "date\t" .. string.format("%.17g", t) .. "\t" .. hex(bang .. f) .. "\t" .. (r == nil and "nil" or type(r) == "table" and "table" or hex(r))
    end
  end
  local tt = os.date("!*t", t)
  if tt then
    out[#out + 1] = "table\t" .. string.format("%.17g", t) .. "\t" .. table.concat({ tt.year, tt.month, tt.day, tt.hour, tt.min, tt.sec, tt.wday, tt.yday, tostring(tt.isdst) }, ",")
  else
    out[#out + 1] = "table\t" .. string.format("%.17g", t) .. "\tnil"
  end
end
local function tcase(y, m, d, h, mi, s, dst)
  local r = os.time({ year = y, month = m, day = d, hour = h, min = mi, sec = s, isdst = dst })
  out[#out + 1] = "time\t" .. table.concat({ y, m, d, h, mi, s, tostring(dst) }, ",") .. "\t" .. (r and string.format("%.17g", r) or "nil")
end
tcase(2023, 11, 14, 12, 0, 0) tcase(2023, 14, 40, 25, -5, 70) tcase(1970, 1, 1, 0, 0, 0) tcase(1969, 12, 31, 23, 59, 59)
tcase(1969, 12, 31, 23, 59, 58) tcase(1900, 1, 1, 12, 0, 0) tcase(1, 1, 1, 12, 0, 0) tcase(2023, 1, 1, 12, 0, 0, true)
tcase(2023, 1, 1, 12, 0, 0, false) tcase(2023, 0, 0, 12, 0, 0) tcase(2023, -13, -400, 12, 0, 0) tcase(2147483647, 1, 1, 12, 0, 0)
tcase(2147485547, 12, 31, 12, 0, 0) tcase(-2147481748, 1, 1, 12, 0, 0) tcase(2000, 2147483647, 1, 12, 0, 0)
tcase(2000, 1, 2147483647, 12, 0, 0) tcase(2000, 1, 1, 0, 0, 2147483647) tcase(2000, 1, 1, -2147483648, 0, 0)
tcase(2000, 2, 29, 12, 0, 0) tcase(1900, 2, 29, 12, 0, 0) tcase(2100, 3, 0, 12, 0, 0) tcase(0, 1, 1, 0, 0, 0) tcase(-1, 12, 31, 0, 0, 0)
for _ = 1, 300 do
  tcase(rnd(400) + 1800, rnd(40) - 10, rnd(80) - 20, rnd(60) - 10, rnd(200) - 50, rnd(10000) - 5000, ({ nil, true, false })[rnd(3) + 1])
end
io.write(table.concat(out, "\n"), "\n")
