local a, b, c = 1, 2, 3
local function outer()
  local d = 4
  local function inner()
    return a + b + d
  end
  a = 5
  return inner
end
local function mut() c = c + 1 end
return outer, mut
