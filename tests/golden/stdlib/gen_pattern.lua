-- Generates pattern.txt: string.find/match/gmatch/gsub cases with LuaJIT's results.
-- Run via regen.sh (luajit -joff). Every string is hex-encoded with an 'x' prefix.
local function hex(s) return "x" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local function caps(...)
  local o = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "number" then o[#o + 1] = "p:" .. v else o[#o + 1] = "s:" .. hex(v) end
  end
  return table.concat(o, ",")
end
local function res(ok, ...)
  if not ok then return "E:" .. tostring((...)) end
  if (...) == nil then return "nil" end
  return caps(...)
end
local out = {}
local function emit(...) out[#out + 1] = table.concat({...}, "\t") end

local function find_case(s, p, init, plain)
  emit("find", hex(s), hex(p), tostring(init), plain and "1" or "0", res(pcall(string.find, s, p, init, plain)))
end
local function match_case(s, p, init)
  emit("match", hex(s), hex(p), tostring(init), res(pcall(string.match, s, p, init)))
end
local function gmatch_case(s, p)
  local ok, err = pcall(function()
    local o, n = {}, 0
    local it = s:gmatch(p)
    while n < 40 do
      local r = { pcall(it) }
      if not r[1] then o[#o + 1] = "E:" .. tostring(r[2]); break end
      if r[2] == nil then break end
      o[#o + 1] = caps(unpack(r, 2, table.maxn(r)))
      n = n + 1
    end
    return table.concat(o, ";")
  end)
  emit("gmatch", hex(s), hex(p), ok and err or ("E:" .. tostring(err)))
end
local function gsub_case(s, p, r, n)
  local ok, a, b = pcall(string.gsub, s, p, r, n)
  emit("gsub", hex(s), hex(p), hex(r), tostring(n or -1), ok and (hex(a) .. " " .. b) or ("E:" .. tostring(a)))
end

local subjects = { "", "a", "abc", "hello world", "aaab", "  x = 10, y=20 ", "f(a(b)c)d", "THE (quick) fox",
  "a\0b", "abcabc", "ab12cd34", "[]%^$", "one two  three", "\200\255a", "a.b.c", "((()))", "x\ny\r\n" }
local patterns = { "", "a", "b", ".", "..", "a*", "a+", "a-", "a?", "a-b", "^a", "^", "$", "a$", "^$", "%a+", "%d+",
  "%s+", "%w+", "%p", "%l%u", "%x+", "%c", "%z", "%A+", "%D", "%S+", "%W", "[abc]", "[^abc]", "[a-c]+", "[%d%s]+",
  "[]]", "[^]]", "[a-]", "[%a-z]", "()", "(a)", "(a)(b)", "((a)(b))", "()a()", "(a*)", "(.-)b", "(a)%1", "(%w+) (%w+)",
  "%b()", "%b((", "%f[%w]%w+", "%f[%W]", "%f[%z]", "(", ")", "a)", "%", "[a", "[^", "%b", "%ba", "%f", "%fx",
  "%1", "(a%1)", "%0", "[%", "%.", "%%", "a\0b", "[\0]", "(%d+)=(%d+)", "(%a+)%s*=%s*(%w+)", "^(%s*)(.-)(%s*)$",
  ".-$", "x*$", "%f[%a]%a*%f[%A]", "[%]]", "[a%-z]", "[%^a]", "[^%s]+", "\200", "[\128-\255]+", "a.-c", "(b)*", "(()", "%bab" }
for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    find_case(s, p, 1, false)
    match_case(s, p, 1)
    gmatch_case(s, p)
    gsub_case(s, p, "<%0>", nil)
  end
end
-- init and plain variants
for _, s in ipairs({ "", "abc", "abcabc", "a.b.c" }) do
  for _, p in ipairs({ "", "b", ".", "^b", "a.", "c$", "(b)" }) do
    for _, init in ipairs({ -10, -3, -1, 0, 1, 2, 3, 4, 5, 10 }) do
      find_case(s, p, init, false)
      find_case(s, p, init, true)
      match_case(s, p, init)
    end
  end
end
-- replacement strings and counts
for _, r in ipairs({ "", "x", "%0", "%1", "%2", "%%", "%x", "%", "[%1|%0]", "%9", "%00" }) do
  for _, p in ipairs({ "b", "(b)", "()", "(a)(b)", "b*", "", "^a", "(a)()" }) do
    for _, n in ipairs({ -1, 0, 1, 2, 100 }) do
      gsub_case("abcabc", p, r, n >= 0 and n or nil)
    end
  end
end
-- depth limit and capture limit
for _, n in ipairs({ 1, 31, 32, 33, 150, 198, 199, 200, 201, 250 }) do
  local s = string.rep("a", n)
  find_case(s, string.rep("a?", n), 1, false)
  find_case(s, string.rep("a*", n), 1, false)
  find_case(s, string.rep("a-", n), 1, false)
  find_case(s, string.rep("(a)", math.min(n, 40)), 1, false)
  find_case(s, string.rep("()", n), 1, false)
  find_case(s, string.rep("%f[a]", n), 1, false)
end
-- random patterns over a small alphabet (deterministic)
local atoms = { "a", "b", ".", "%a", "%d", "[ab]", "[^a]", "[a-c]", "%s", "(", ")", "()", "%1", "%2", "*", "+", "-", "?",
  "^", "$", "%b()", "%f[%w]", "%", "[", "]", "%z", " ", "1", "c" }
local subj_chars = { "a", "b", "c", " ", "1", "(", ")", "\0" }
local seed = 12345
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
for _ = 1, 1500 do
  local p, s = {}, {}
  for _ = 1, rnd(6) do p[#p + 1] = atoms[rnd(#atoms)] end
  for _ = 1, rnd(10) - 1 do s[#s + 1] = subj_chars[rnd(#subj_chars)] end
  p, s = table.concat(p), table.concat(s)
  find_case(s, p, rnd(4) - 2, false)
  gsub_case(s, p, "<%1>", nil)
  gmatch_case(s, p)
end
-- every byte against every class (C locale), inside and outside sets
for c = 0, 255 do
  local s = string.char(c)
  for cl in ("acdlpsuwxzgACDLPSUWXZ"):gmatch(".") do
    find_case(s, "%" .. cl, 1, false)
  end
  find_case(s, "[%w_]", 1, false)
  find_case(s, "[^%s%p]", 1, false)
end
io.write(table.concat(out, "\n"), "\n")
