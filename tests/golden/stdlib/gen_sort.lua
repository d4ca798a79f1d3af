-- Generates sort.txt: table.sort comparator call sequences and final orders.
-- Line: cmpkind \t keys(comma) \t calls (a<b as id pairs, 0 = nil, ';'-separated) \t final ids | E:msg
local out = {}
local seed = 11
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local cmps = {
  lt = function(a, b) return a.k < b.k end,
  le = function(a, b) return a.k <= b.k end,
  gt = function(a, b) return a.k > b.k end,
  always = function(a, b) return true end,
  never = function(a, b) return false end,
  hash3 = function(a, b) return (a.id * 7 + b.id * 13) % 3 == 0 end,
  hash2 = function(a, b) return (a.id * 5 + b.id * 3) % 4 ~= 0 end,
}
local function run(kind, keys)
  local t = {}
  for i, k in ipairs(keys) do t[i] = { k = k, id = i } end
  local calls = {}
  local f = cmps[kind]
  local ok, err = pcall(table.sort, t, function(a, b)
    calls[#calls + 1] = (a and a.id or 0) .. "<" .. (b and b.id or 0)
    if a == nil or b == nil then error("nil compared") end
    return f(a, b)
  end)
  local ids = {}
  for i = 1, #keys do ids[i] = t[i].id end
  out[#out + 1] = kind .. "\t" .. table.concat(keys, ",") .. "\t" .. table.concat(calls, ";") .. "\t" ..
    (ok and table.concat(ids, ",") or ("E:" .. tostring(err):gsub("^.-:%d+: ", "")))
end
local fixed = { {}, { 1 }, { 2, 1 }, { 1, 2 }, { 3, 1, 2 }, { 1, 1, 1 }, { 5, 4, 3, 2, 1 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
  { 2, 2, 1, 1, 3, 3 }, { 9, 1, 8, 2, 7, 3, 6, 4, 5 } }
for kind in pairs(cmps) do
  for _, k in ipairs(fixed) do run(kind, k) end
end
for _ = 1, 150 do
  local n = rnd(40)
  local keys = {}
  for i = 1, n do keys[i] = rnd(rnd(2) == 0 and 5 or 1000) end
  run(({ "lt", "lt", "gt", "le", "always", "never", "hash3", "hash2" })[rnd(8) + 1], keys)
end
table.sort(out)
io.write(table.concat(out, "\n"), "\n")
