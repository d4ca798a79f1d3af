-- skein examples/hello.lua: run with `skein examples/hello.lua [name]`
local name = arg and arg[1] or "world"
print(("Hello, %s!"):format(name))

-- a generator built from a coroutine
local function range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local squares = {}
for i in range(5) do squares[#squares + 1] = i * i end
print("squares: " .. table.concat(squares, " "))
