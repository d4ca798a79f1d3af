-- loops.lua: plain arithmetic in every loop form Lua has.
--
-- Numeric `for` with positive, negative and fractional steps; `while` and
-- `repeat ... until` with data-dependent exits (a Collatz walk, Euclid's gcd,
-- an integer square root by Newton's method); nested loops with `break`; and a
-- floating-point accumulation with math.sin/cos/abs/floor/max/min.
-- Exercises: FORI/FORL, LOOP, conditional branches, integer-valued and float
-- arithmetic including % and ^, and the narrowing a JIT can do on them.
--
-- Usage: loops.lua [n]   (default 600000)
-- Quick: 20000   (the size `run.sh --quick` uses)
-- Output: one line per loop kind and a final checksum.

local floor, abs, sqrt, sin, cos, max, min =
  math.floor, math.abs, math.sqrt, math.sin, math.cos, math.max, math.min

local MODULUS = 1000000007

local n = tonumber(arg and arg[1]) or 600000

-- Numeric for loops.
local for_sum = 0
for i = 1, n do
  for_sum = (for_sum + i * i % 1009) % MODULUS
end
for i = n, 1, -3 do
  for_sum = for_sum - i % 7
end
for x = 0, 10, 0.25 do
  for_sum = for_sum + x * 4
end
print(string.format("for     %d", for_sum))

-- while: total Collatz steps for the first n/10 starting values.
local collatz_steps = 0
for start = 1, floor(n / 10) do
  local v = start
  while v ~= 1 do
    if v % 2 == 0 then
      v = v / 2
    else
      v = 3 * v + 1
    end
    collatz_steps = collatz_steps + 1
  end
end
print(string.format("while   %d", collatz_steps))

-- repeat: gcd by Euclid and integer square roots by Newton's method.
local gcd_sum, root_sum = 0, 0
for i = 1, n do
  local a, b = i, 360360
  repeat
    a, b = b, a % b
  until b == 0
  gcd_sum = gcd_sum + a
end
for i = 1, floor(n / 4) do
  local x = i
  local y
  repeat
    y = x
    x = floor((x + floor(i / x)) / 2)
  until x >= y
  root_sum = root_sum + y
end
print(string.format("repeat  %d %d", gcd_sum, root_sum))

-- Nested loops with break: count pairs (a, b) with a*b <= limit.
local pairs_found = 0
local limit = n
for a = 1, 2000 do
  for b = a, limit do
    if a * b > limit then
      break
    end
    pairs_found = pairs_found + 1
  end
end
print(string.format("break   %d", pairs_found))

-- Floating point: a damped oscillator and a running extremes check.
local pos, vel, hi, lo, energy = 1.0, 0.0, -1e300, 1e300, 0.0
local dt = 0.001
for step = 1, n do
  local force = -pos - 0.01 * vel + 0.001 * sin(step * dt) * cos(step * dt * 0.5)
  vel = vel + force * dt
  pos = pos + vel * dt
  hi = max(hi, pos)
  lo = min(lo, pos)
  energy = energy + abs(vel) * dt + sqrt(pos * pos + 1) * 1e-6 + 2 ^ -20
end
print(string.format("float   %.6f %.6f %.6f %.6f", pos, hi, lo, energy))

local checksum = (for_sum + collatz_steps * 3 + gcd_sum * 5 + root_sum * 7 + pairs_found) % MODULUS
print(string.format("loops n=%d checksum=%d", n, checksum))
