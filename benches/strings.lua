-- strings.lua: a mix of everyday string work.
--
-- Each round builds a text of numbered words (string.format, table.concat),
-- splits it back into words by scanning bytes (string.byte, string.sub),
-- counts the words in a string-keyed table, rotates every letter by a Caesar
-- shift (string.byte, string.char, table.concat), pads and repeats pieces
-- (string.rep), grows a string by repeated `..` concatenation, and compares
-- strings with `==` and `<`.  Everything feeds a polynomial checksum.
-- Exercises: string creation and interning, the string library's core, and
-- the garbage collector's handling of many short-lived strings.
--
-- Usage: strings.lua [rounds]   (default 150)
-- Quick: 3   (the size `run.sh --quick` uses)
-- Output: total bytes processed, distinct words, and the checksum.

local byte, char, sub, rep, format, len =
  string.byte, string.char, string.sub, string.rep, string.format, string.len
local concat = table.concat

local MODULUS = 1000000007
local WORDS = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local SPACE = byte(" ")
local LOWER_A, LOWER_Z = byte("a"), byte("z")

-- Polynomial hash of every byte of s, continuing from h.
local function hash_string(h, s)
  for i = 1, len(s) do
    h = (h * 31 + byte(s, i)) % MODULUS
  end
  return h
end

-- "alpha1 beta2 gamma3 ..." with count words.
local function build_text(count, round)
  local parts = {}
  for i = 1, count do
    local word = WORDS[(i + round) % #WORDS + 1]
    parts[#parts + 1] = format("%s%d", word, i % 97)
  end
  return concat(parts, " ")
end

-- Split on single spaces by scanning bytes.
local function split_words(text)
  local words, start = {}, 1
  local n = len(text)
  for i = 1, n do
    if byte(text, i) == SPACE then
      words[#words + 1] = sub(text, start, i - 1)
      start = i + 1
    end
  end
  if start <= n then
    words[#words + 1] = sub(text, start, n)
  end
  return words
end

-- Rotate lowercase letters by shift places; other bytes pass through.
local function caesar(text, shift)
  local out = {}
  for i = 1, len(text) do
    local b = byte(text, i)
    if b >= LOWER_A and b <= LOWER_Z then
      b = (b - LOWER_A + shift) % 26 + LOWER_A
    end
    out[i] = char(b)
  end
  return concat(out)
end

-- Grow a string one piece at a time with `..` (quadratic copying on purpose).
local function grow(pieces)
  local s = ""
  for i = 1, pieces do
    s = s .. char(LOWER_A + i % 26) .. (i % 10)
  end
  return s
end

local rounds = tonumber(arg and arg[1]) or 150
local checksum, total_bytes = 0, 0
local counts = {}
for round = 1, rounds do
  local text = build_text(2000, round)
  total_bytes = total_bytes + len(text)

  local words = split_words(text)
  for i = 1, #words do
    local w = words[i]
    counts[w] = (counts[w] or 0) + 1
  end

  local secret = caesar(text, round % 25 + 1)
  local back = caesar(secret, 26 - (round % 25 + 1))
  assert(back == text, "caesar round trip failed")
  checksum = hash_string(checksum, sub(secret, 1, 200))

  local padded = rep("-", round % 7) .. words[1] .. rep("=", 3) .. words[#words]
  checksum = hash_string(checksum, padded)

  local grown = grow(300)
  checksum = (checksum + len(grown) + byte(grown, round % len(grown) + 1)) % MODULUS

  -- Ordering comparisons between neighbouring words.
  local less = 0
  for i = 2, #words do
    if words[i - 1] < words[i] then
      less = less + 1
    end
  end
  checksum = (checksum * 7 + less) % MODULUS
end

-- Fold the word counts in a fixed order.
local distinct = {}
for w in pairs(counts) do
  distinct[#distinct + 1] = w
end
table.sort(distinct)
for i = 1, #distinct do
  local w = distinct[i]
  checksum = hash_string(checksum, w)
  checksum = (checksum + counts[w] * i) % MODULUS
end

print(format("strings rounds=%d bytes=%d distinct=%d checksum=%d",
  rounds, total_bytes, #distinct, checksum))
