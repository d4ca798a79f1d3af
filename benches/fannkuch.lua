-- fannkuch.lua: fannkuch-redux, pancake flips over every permutation of 1..n.
--
-- For each permutation (generated in the benchmark's fixed counting order) the
-- first element k says "reverse the first k elements"; repeat until the first
-- element is 1 and count the flips.  The results are the largest flip count and
-- a checksum that adds the flip counts of even permutations and subtracts those
-- of odd ones.
-- Exercises: small integer arrays, multiple assignment swaps, while loops with
-- data-dependent exits, and nested loops with early return.
--
-- Usage: fannkuch.lua [n]   (default 9)
-- Quick: 7   (the size `run.sh --quick` uses)
-- Output: checksum and maximum flips.

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do
    perm1[i] = i
  end
  local maxflips, checksum, permcount = 0, 0, 0
  local r = n
  while true do
    -- Reset the counters of the positions that have wrapped around.
    while r ~= 1 do
      count[r] = r
      r = r - 1
    end

    -- Count the flips of this permutation on a copy.
    for i = 1, n do
      perm[i] = perm1[i]
    end
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      local i, j = 1, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > maxflips then
      maxflips = flips
    end
    if permcount % 2 == 0 then
      checksum = checksum + flips
    else
      checksum = checksum - flips
    end

    -- Advance to the next permutation: rotate the first r+1 elements left
    -- until a position's counter has not run out.
    while true do
      if r == n then
        return checksum, maxflips
      end
      local first = perm1[1]
      for i = 1, r do
        perm1[i] = perm1[i + 1]
      end
      perm1[r + 1] = first
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then
        break
      end
      r = r + 1
    end
    permcount = permcount + 1
  end
end

local n = tonumber(arg and arg[1]) or 9
local checksum, maxflips = fannkuch(n)
print(string.format("fannkuch(%d) checksum=%d maxflips=%d", n, checksum, maxflips))
