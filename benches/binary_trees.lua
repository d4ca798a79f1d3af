-- binary_trees.lua: allocate, walk and drop many perfect binary trees.
--
-- The classic allocation benchmark: one long-lived tree of depth max_depth,
-- then for each even depth d from 4 to max_depth, 2^(max_depth - d + 4) short-
-- lived trees of depth d, each built and checked (its nodes counted).  A node is
-- a two-element table {left, right}; a leaf is an empty table.
-- Exercises: table constructors, the garbage collector, and recursion.
--
-- Usage: binary_trees.lua [max_depth]   (default 14)
-- Quick: 8   (the size `run.sh --quick` uses)
-- Output: the node counts, one line per phase.

local MIN_DEPTH = 4

local function make(depth)
  if depth == 0 then
    return {}
  end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(tree)
  if tree[1] then
    return 1 + check(tree[1]) + check(tree[2])
  end
  return 1
end

local max_depth = tonumber(arg and arg[1]) or 14
if max_depth < MIN_DEPTH + 2 then
  max_depth = MIN_DEPTH + 2
end

local stretch = max_depth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(make(stretch))))

local long_lived = make(max_depth)

for depth = MIN_DEPTH, max_depth, 2 do
  local iterations = 2 ^ (max_depth - depth + MIN_DEPTH)
  local total = 0
  for _ = 1, iterations do
    total = total + check(make(depth))
  end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, total))
end

print(string.format("long lived tree of depth %d\t check: %d", max_depth, check(long_lived)))
