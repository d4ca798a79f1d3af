-- nsieve.lua: the sieve of Eratosthenes at three sizes.
--
-- Counts the primes below m for m = 10000 * 2^n, 10000 * 2^(n-1) and
-- 10000 * 2^(n-2), each with a fresh table of boolean flags, sieving each
-- size ROUNDS times (the counts must agree): more rounds of smaller tables than
-- the classic program, which keeps each table near 16 MB under lua5.1.  The
-- peak memory (around 90-140 MB) is set by how late the collector frees the
-- previous rounds' tables, which is part of what this benchmark measures.
-- Exercises: large array parts (filled in order, then read and written with a
-- stride), boolean values, and nested numeric loops with a variable step.
--
-- Usage: nsieve.lua [n]   (default 6)
-- Quick: 3   (the size `run.sh --quick` uses)
-- Output: one line per size with the number of primes.

local function nsieve(m)
  local is_prime = {}
  for i = 2, m do
    is_prime[i] = true
  end
  local count = 0
  for i = 2, m do
    if is_prime[i] then
      for k = i + i, m, i do
        is_prime[k] = false
      end
      count = count + 1
    end
  end
  return count
end

local ROUNDS = 8

local n = tonumber(arg and arg[1]) or 6
for i = 0, 2 do
  local m = 10000 * 2 ^ (n - i)
  local count = nsieve(m)
  for _ = 2, ROUNDS do
    assert(nsieve(m) == count, "sieve counts disagree")
  end
  print(string.format("Primes up to %8d %8d", m, count))
end
