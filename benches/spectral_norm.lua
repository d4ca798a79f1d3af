-- spectral_norm.lua: the spectral norm of an infinite matrix, by power iteration.
--
-- A(i, j) = 1 / ((i + j) * (i + j + 1) / 2 + i + 1), indices from zero.
-- Ten rounds of v = A^T A u; the answer is sqrt(<u, v> / <v, v>).
-- Exercises: nested numeric for loops, float division, array reads and writes,
-- and calls to a small function (A) from the innermost loop.
--
-- Usage: spectral_norm.lua [n]   (default 500)
-- Quick: 50   (the size `run.sh --quick` uses)
-- Output: the norm to nine decimals.

local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

-- y = A x  (1-based: i, j run from 1 to n)
local function Av(x, y, n)
  for i = 1, n do
    local a = 0
    for j = 1, n do
      a = a + x[j] * A(i, j)
    end
    y[i] = a
  end
end

-- y = A^T x
local function Atv(x, y, n)
  for i = 1, n do
    local a = 0
    for j = 1, n do
      a = a + x[j] * A(j, i)
    end
    y[i] = a
  end
end

-- y = A^T A x, using t as scratch
local function AtAv(x, y, t, n)
  Av(x, t, n)
  Atv(t, y, n)
end

local n = tonumber(arg and arg[1]) or 500
local u, v, t = {}, {}, {}
for i = 1, n do
  u[i] = 1
end
for _ = 1, 10 do
  AtAv(u, v, t, n)
  AtAv(v, u, t, n)
end
local vBv, vv = 0, 0
for i = 1, n do
  local ui, vi = u[i], v[i]
  vBv = vBv + ui * vi
  vv = vv + vi * vi
end
print(string.format("spectral_norm n=%d %.9f", n, math.sqrt(vBv / vv)))
