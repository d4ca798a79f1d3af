-- A small JSON encoder/decoder: string building, recursion, sorting, closures.
local function encode(v, out)
  local t = type(v)
  if t == "table" then
    if #v > 0 then
      out[#out + 1] = "["
      for i = 1, #v do if i > 1 then out[#out + 1] = "," end encode(v[i], out) end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = string.format("%q", k) .. ":"
        encode(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif t == "string" then out[#out + 1] = string.format("%q", v)
  else out[#out + 1] = tostring(v) end
  return out
end
local function decode(s)
  local pos = 1
  local function ws() while true do local c = s:sub(pos, pos) if c == " " or c == "\n" then pos = pos + 1 else return end end end
  local value
  local function str()
    pos = pos + 1
    local start = pos
    while s:sub(pos, pos) ~= '"' do pos = pos + 1 end
    local r = s:sub(start, pos - 1)
    pos = pos + 1
    return r
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "[" then
      pos = pos + 1
      local arr = {}
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1 return arr end
      while true do
        arr[#arr + 1] = value()
        ws()
        local d = s:sub(pos, pos) pos = pos + 1
        if d == "]" then return arr end
      end
    elseif c == "{" then
      pos = pos + 1
      local obj = {}
      while true do
        ws()
        local k = str()
        ws() pos = pos + 1
        obj[k] = value()
        ws()
        local d = s:sub(pos, pos) pos = pos + 1
        if d == "}" then return obj end
      end
    elseif c == '"' then return str()
    else
      local start = pos

      local num = ""
      while true do
        local ch = s:sub(pos, pos)
        local b = ch:byte()
        if b and ((b >= 48 and b <= 57) or ch == "." or ch == "-" or ch == "e" or ch == "+") then num = num .. ch pos = pos + 1 else break end
      end
      if num == "" then
        if s:sub(pos, pos + 3) == "true" then pos = pos + 4 return true end
        if s:sub(pos, pos + 4) == "false" then pos = pos + 5 return false end
      end
      return tonumber(num)
    end
  end
  return value()
end
local data = {name = "skein", list = {1, 2.5, -3, 1e20}, nested = {a = {b = {c = "deep"}}, flag = true}, n = 0}
local s = table.concat(encode(data, {}))
print(s)
local back = decode(s)
print(table.concat(encode(back, {})) == s, back.nested.a.b.c, back.list[4])
local big = {}
for i = 1, 200 do big[i] = {id = i, name = "item" .. i, tags = {"x", "y"}} end
local bs = table.concat(encode(big, {}))
print(#bs, #decode(bs), decode(bs)[200].name)
print("ok")
