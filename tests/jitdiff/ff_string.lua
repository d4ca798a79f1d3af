-- string.byte, string.len and type recorded inline, with their guards failing:
-- indexes running past the end, a string argument turning into a number, byte values
-- flowing into side traces and arithmetic, and type() of values that change type.
local byte, len = string.byte, string.len
local words = { "alpha", "beta", "gamma", "delta", "epsilon", "z" }

-- Sum of bytes with a per-word index that may run off the end (byte returns nothing).
local acc = 0
for i = 1, 400 do
  local w = words[i % #words + 1]
  local k = i % 7 + 1
  if k <= len(w) then
    acc = acc + byte(w, k) * k
  else
    acc = acc + len(w)
  end
end
print("sum", acc)

-- byte(s) with no index, then on the empty string (guard on the length).
local n = 0
for i = 1, 300 do
  local s = i < 250 and words[i % 5 + 1] or ""
  local b = byte(s)
  n = n + (b or -1)
end
print("first", n)

-- Byte values through branches (side traces restore them as numbers).
local caesar = {}
local text = string.rep("the quick brown fox jumps over the lazy dog ", 5)
for i = 1, len(text) do
  local b = byte(text, i)
  if b >= 97 and b <= 122 then
    b = (b - 97 + 13) % 26 + 97
  end
  caesar[i] = string.char(b)
end
print("rot13", table.concat(caesar):sub(1, 44))

-- type() of a slot whose type changes mid-loop.
local kinds = {}
local vals = { 1, "s", 2.5, {}, true, nil, print }
for i = 1, 350 do
  local v = vals[i % 7 + 1]
  local t = type(v)
  kinds[t] = (kinds[t] or 0) + 1
end
local ks = {}
for k, c in pairs(kinds) do ks[#ks + 1] = k .. "=" .. c end
table.sort(ks)
print("types", table.concat(ks, " "))

-- len() on a number argument (coerced by the library, not by the trace).
local total = 0
for i = 1, 200 do
  local x = i < 150 and "abc" or 12345
  total = total + len(x)
end
print("len", total)

-- string.char inline (TOSTR CHAR): codes computed in the trace, then a code out of
-- range (string.char raises the error with the JIT on and off alike).
local cs = {}
for i = 1, 300 do
  cs[#cs + 1] = string.char(65 + i % 26)
end
print("chars", table.concat(cs):sub(1, 30), #cs)
local ok, err = pcall(function()
  local r = {}
  for i = 1, 300 do
    r[i] = string.char(i)
  end
  return #r
end)
print("range", ok, err)

-- string.sub inline (SNEW of a STRREF): ranges that later become empty, run past the
-- end, start at 0 or count from the end (guards fail, the interpreter takes over).
local text2 = "the quick brown fox jumps over the lazy dog"
local pieces = {}
for i = 1, 400 do
  local a = i % 50
  local b = a + (i % 7) - 3
  pieces[#pieces + 1] = text2:sub(a, b) .. "|" .. string.sub(text2, a) .. "|" .. string.sub(text2, -a)
end
local h2 = 0
for _, p in ipairs(pieces) do
  for k = 1, #p do h2 = (h2 * 31 + p:byte(k)) % 1000003 end
end
print("sub", #pieces, h2, pieces[17], pieces[399])

-- Ordering comparisons of strings (CALLN lj_str_cmp + a guard on its sign): every
-- operator, equal neighbours, prefixes, bytes above 127 and an outcome that flips.
local ws = {}
for i = 1, 300 do
  ws[i] = (i % 3 == 0) and ("w" .. (i % 17)) or ((i % 5 == 0) and "w1" or ("\200" .. i % 11))
end
local lt, le, gt, ge = 0, 0, 0, 0
for i = 2, #ws do
  local x, y = ws[i - 1], ws[i]
  if x < y then lt = lt + 1 end
  if x <= y then le = le + 1 end
  if x > y then gt = gt + 1 end
  if x >= y then ge = ge + 1 end
end
print("strcmp", lt, le, gt, ge)
