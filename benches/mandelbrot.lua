-- mandelbrot.lua: the Mandelbrot set on an n-by-n grid, reduced to a checksum.
--
-- Each pixel maps to c = (2x/n - 1.5) + (2y/n - 1)i and is iterated up to 50
-- times; a pixel belongs to the set if |z|^2 never exceeds 4.  Pixels are packed
-- eight to a byte in row order (as the classic benchmark writes its bitmap), and
-- instead of printing the bitmap we print how many pixels are in the set and a
-- polynomial hash of the bytes.
-- Exercises: float arithmetic in tight loops, loop exits with `break`, and
-- integer arithmetic kept exact (the hash stays below 2^53).
--
-- Usage: mandelbrot.lua [n]   (default 800)
-- Quick: 64   (the size `run.sh --quick` uses)
-- Output: size, pixels in the set, byte hash.

local ITERATIONS = 50
local LIMIT2 = 4.0
local HASH_MODULUS = 1000000007

local n = tonumber(arg and arg[1]) or 800
local inside, hash = 0, 0
for y = 0, n - 1 do
  local ci = 2 * y / n - 1.0
  local byte, bits = 0, 0
  for x = 0, n - 1 do
    local cr = 2 * x / n - 1.5
    local zr, zi = 0.0, 0.0
    local bit = 1
    for _ = 1, ITERATIONS do
      local zr2, zi2 = zr * zr, zi * zi
      if zr2 + zi2 > LIMIT2 then
        bit = 0
        break
      end
      zi = 2 * zr * zi + ci
      zr = zr2 - zi2 + cr
    end
    inside = inside + bit
    byte = byte * 2 + bit
    bits = bits + 1
    if bits == 8 or x == n - 1 then
      -- Pad a short final byte on the right, as the bitmap format does.
      while bits < 8 do
        byte = byte * 2
        bits = bits + 1
      end
      hash = (hash * 31 + byte) % HASH_MODULUS
      byte, bits = 0, 0
    end
  end
end
print(string.format("mandelbrot n=%d inside=%d hash=%d", n, inside, hash))
