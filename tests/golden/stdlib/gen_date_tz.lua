-- Generates date_tz.txt lines for one time zone (run with TZ set; arg[1] is its label).
-- date \t tz \t time \t hex(format) \t hex(result) ; time \t tz \t fields \t result|nil
local tz = arg[1]
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local out = {}
local times = { 0, -1, 1700000000, 1678604399, 1678604400, 1678606200, 1699163999, 1699164000, 1699167600, 1711846799, 1711846800,
  1729990800, 2147483647, 4102444800, -2208988800, -1000000000, 946684800, 1000000000, 1300000000, 4000000000, 7000000000, -5000000000 }
local seed = 5
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
for _ = 1, 60 do times[#times + 1] = rnd(2000000000) * 2 - 1000000000 + rnd(7200) end
local fmts = { "%Y-%m-%d %H:%M:%S %Z %z", "%c|%x|%X|%s|%j|%U|%W|%V|%G|%a|%p", "*t" }
for _, t in ipairs(times) do
  for _, f in ipairs(fmts) do
    local r = os.date(f, t)
    if type(r) == "table" then
      r = table.concat({ r.year, r.month, r.day, r.hour, r.min, r.sec, r.wday, r.yday, tostring(r.isdst) }, ",")
    end
    out[#out + 1] = "date\t" .. tz .. "\t" .. string.format("%.17g", t) .. "\t" .. hex(f) .. "\t" .. hex(r)
  end
end
local function tcase(y, m, d, h, mi, s, dst)
  local r = os.time({ year = y, month = m, day = d, hour = h, min = mi, sec = s, isdst = dst })
  out[#out + 1] = "time\t" .. tz .. "\t" .. table.concat({ y, m, d, h, mi, s, tostring(dst) }, ",") .. "\t" .. (r and string.format("%.17g", r) or "nil")
end
for _, dst in ipairs({ "nil", true, false }) do
  if dst == "nil" then dst = nil end
  tcase(2023, 3, 12, 2, 30, 0, dst) tcase(2023, 3, 12, 1, 59, 59, dst) tcase(2023, 3, 12, 3, 0, 0, dst) tcase(2023, 11, 5, 1, 30, 0, dst)
  tcase(2023, 11, 5, 0, 59, 59, dst) tcase(2023, 11, 5, 2, 0, 0, dst) tcase(2024, 3, 31, 2, 30, 0, dst) tcase(2024, 10, 27, 2, 30, 0, dst)
  tcase(2023, 7, 1, 12, 0, 0, dst) tcase(2023, 1, 1, 12, 0, 0, dst) tcase(1970, 1, 1, 0, 0, 0, dst) tcase(1900, 1, 1, 0, 0, 0, dst)
  tcase(2100, 6, 1, 0, 0, 0, dst) tcase(2024, 4, 7, 2, 30, 0, dst) tcase(2024, 10, 6, 2, 15, 0, dst)
end
for _ = 1, 150 do
  tcase(rnd(200) + 1900, rnd(12) + 1, rnd(28) + 1, rnd(24), rnd(60), rnd(60), ({ nil, true, false })[rnd(3) + 1])
end
io.write(table.concat(out, "\n"), "\n")
