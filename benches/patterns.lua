-- patterns.lua: the Lua pattern engine at work on a generated document.
--
-- Builds a text of key=value records, then extracts them with string.gmatch and
-- captures, rewrites them with string.gsub (string, table and function
-- replacements), searches with string.find (patterns, anchors, plain), matches
-- with string.match and balanced %b() spans, and splits on frontier patterns.
-- Exercises: the pattern matcher, captures, gsub's three replacement kinds.
--
-- Usage: patterns.lua [rounds]   (default 180)
-- Quick: 3
local rounds = tonumber(arg and arg[1]) or 180

local parts = {}
for i = 1, 2000 do
  parts[#parts + 1] = string.format("key%d=(val %d) tag_%s;", i, i * 7 % 1000, i % 5 == 0 and "hot" or "cold")
end
local doc = table.concat(parts, " ")

local checksum = 0
local function mix(x) checksum = (checksum * 31 + x) % 2147483647 end

local upper = { hot = "HOT", cold = "COLD" }
for _ = 1, rounds do
  local count, total = 0, 0
  for k, v in string.gmatch(doc, "key(%d+)=%(val (%d+)%)") do
    count = count + 1
    total = total + tonumber(k) + tonumber(v)
  end
  mix(count) mix(total)

  local s1, n1 = string.gsub(doc, "tag_(%a+)", upper)
  local s2, n2 = string.gsub(s1, "%((%a+) (%d+)%)", "<%2:%1>")
  local s3, n3 = string.gsub(s2, "key(%d+)", function(d) return #d end)
  mix(n1) mix(n2) mix(n3) mix(#s3)

  local pos, found = 1, 0
  while true do
    local a, b = string.find(doc, "tag_hot", pos, true)
    if not a then break end
    found = found + 1
    pos = b + 1
  end
  mix(found)

  local spans = 0
  for span in string.gmatch(doc, "%b()") do spans = spans + #span end
  mix(spans)

  local words = 0
  for _ in string.gmatch(doc, "%f[%a]%a+%f[%A]") do words = words + 1 end
  mix(words)

  mix(#(string.match(doc, "^(key%d+)") or ""))
end
print(string.format("patterns rounds=%d checksum=%d", rounds, checksum))
