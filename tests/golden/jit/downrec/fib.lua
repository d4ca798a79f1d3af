-- fib.lua: naive doubly-recursive Fibonacci.
--
-- Exercises: Lua-to-Lua calls and returns, a local recursive function reached
-- through an upvalue, comparisons and small-integer arithmetic.
--
-- Usage: fib.lua [n]   (default 35)
-- Quick: 20   (the size `run.sh --quick` uses)
-- Output: one line, "fib(n) = value".

local function fib(n)
  if n < 2 then
    return n
  end
  return fib(n - 1) + fib(n - 2)
end

local n = tonumber(arg and arg[1]) or 35
print(string.format("fib(%d) = %d", n, fib(n)))
