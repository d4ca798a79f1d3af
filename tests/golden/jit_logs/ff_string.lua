local byte, len = string.byte, string.len
local s = string.rep("abcdefghij", 12)
local h = 0
for i = 1, 100 do
  h = h + byte(s, i) + len(s)
  if type(h) ~= "number" then h = 0 end
end
print(h)
