-- io.lua: write a log-like text file, read it back three ways, and summarise it.
--
-- Each round writes N lines with file:write and string.format to a temporary file,
-- reads it back with io.lines (line by line), with file:read("*a") (whole file) and
-- with file:read("*n") / file:read("*l") (numbers then rest of line), and checks that
-- the three readings agree. Exercises: io.open, buffered writes, line splitting,
-- number parsing from files, os.remove, and string.format for output.
--
-- Usage: io.lua [lines]   (default 500000)
-- Quick: 5000
local n = tonumber(arg and arg[1]) or 500000
local path = os.tmpname()

local f = assert(io.open(path, "w"))
for i = 1, n do
  f:write(string.format("%d %s %.3f\n", i, i % 3 == 0 and "fizz" or "item", i / 7))
end
f:close()

-- Reading 1: line by line.
local lines, bytes1 = 0, 0
for line in io.lines(path) do
  lines = lines + 1
  bytes1 = bytes1 + #line + 1
end

-- Reading 2: the whole file at once, counting newlines by scanning bytes.
f = assert(io.open(path, "r"))
local all = f:read("*a")
f:close()
local newlines = 0
local pos = 1
while true do
  local nl = string.find(all, "\n", pos, true)
  if not nl then break end
  newlines = newlines + 1
  pos = nl + 1
end

-- Reading 3: a number, then the rest of the line.
f = assert(io.open(path, "r"))
local sum, fizz = 0, 0
while true do
  local k = f:read("*n")
  if not k then break end
  local rest = f:read("*l")
  sum = sum + k
  if string.sub(rest, 2, 5) == "fizz" then fizz = fizz + 1 end
end
f:close()
os.remove(path)

assert(lines == n and newlines == n and bytes1 == #all, "readings disagree")
print(string.format("io lines=%d bytes=%d sum=%d fizz=%d", lines, #all, sum, fizz))
