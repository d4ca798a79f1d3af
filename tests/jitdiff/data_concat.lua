-- CAT in hot loops and hot functions: strings, ints, floats, type changes, __concat.
local x = ""
for i = 1, 300 do x = "a" .. i end
print(x)
local y = ""
for i = 1, 300 do y = i * 0.25 .. "|" .. i .. "-" end
print(y)
local function label(i, s) return s .. ":" .. i .. ":" .. (i / 3) end
local acc = 0
for i = 1, 400 do acc = acc + #label(i, "k") end
print("label", acc, label(7, "z"))
local parts = {}
for i = 1, 300 do
  local v = (i % 50 == 0) and "S" or i
  parts[#parts + 1] = "<" .. v .. ">"
end
print(parts[1], parts[50], parts[300], #parts)
local mt = { __concat = function(a, b) return "MT" end }
local obj = setmetatable({}, mt)
local out = {}
for i = 1, 300 do
  local v = (i > 280) and obj or i
  out[i] = "v" .. v
end
print(out[1], out[280], out[281], out[300])
local big = {}
for i = 1, 200 do big[#big + 1] = tostring(i) .. 1e15 .. -0.5 .. (2^53) end
print(big[1], big[200])
