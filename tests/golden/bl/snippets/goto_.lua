for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    print(i, j)
    ::continue::
  end
end
do
  goto skip
  print(1)
  ::skip::
end
local i = 1
::top::
i = i + 1
if i < 10 then goto top end
do
  local x = 1
  local f = function() return x end
  ::again::
  if x then x = nil goto again end
end
