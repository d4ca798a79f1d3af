-- ackermann.lua: the Ackermann function, computed by plain recursion.
--
-- Exercises: deep non-tail recursion, tail calls (the two `return ack(...)`
-- forms), nested calls as arguments, and the call-depth limits of the stack.
-- ack(3, k) recurses about 2^(k+3) frames deep, so k stays at or below 7
-- (about a thousand frames).
--
-- Usage: ackermann.lua [rounds]   (default 6)
-- Quick: 1   (the size `run.sh --quick` uses)
-- Each round sums ack(3, k) for k = 1..7 and ack(2, k) for k = 1..200.
-- Output: one line with the total.

local function ack(m, n)
  if m == 0 then
    return n + 1
  elseif n == 0 then
    return ack(m - 1, 1)
  else
    return ack(m - 1, ack(m, n - 1))
  end
end

local rounds = tonumber(arg and arg[1]) or 6
local total = 0
for round = 1, rounds do
  for k = 1, 7 do
    total = total + ack(3, k)
  end
  for k = 1, 200 do
    total = total + ack(2, k)
  end
end
print(string.format("ackermann rounds=%d total=%d", rounds, total))
