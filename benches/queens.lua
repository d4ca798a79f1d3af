-- queens.lua: count every solution of the n-queens problem by backtracking.
--
-- Queens are placed row by row; three boolean arrays record which columns and
-- which diagonals are already attacked, so each placement test is three table
-- reads.  The first solution found is kept and printed as a row of columns.
-- Exercises: recursion with early exits, boolean arrays indexed by computed
-- keys, and upvalue access from a nested recursive function.
--
-- Usage: queens.lua [n]   (default 11)
-- Quick: 7   (the size `run.sh --quick` uses)
-- Output: the number of solutions and the first one.

local function solve(n)
  local column_used, diag_up, diag_down = {}, {}, {}
  local placement, first = {}, nil
  local solutions = 0

  local function place(row)
    if row > n then
      solutions = solutions + 1
      if not first then
        first = {}
        for i = 1, n do
          first[i] = placement[i]
        end
      end
      return
    end
    for col = 1, n do
      local up, down = row + col, row - col + n
      if not column_used[col] and not diag_up[up] and not diag_down[down] then
        column_used[col], diag_up[up], diag_down[down] = true, true, true
        placement[row] = col
        place(row + 1)
        column_used[col], diag_up[up], diag_down[down] = false, false, false
      end
    end
  end

  place(1)
  return solutions, first
end

local n = tonumber(arg and arg[1]) or 11
local ROUNDS = 5
local rounds = 0
local solutions, first
-- Solve a few times so small boards still take measurable time.
for _ = 1, ROUNDS do
  solutions, first = solve(n)
  rounds = rounds + 1
end
print(string.format("queens n=%d rounds=%d solutions=%d first=%s",
  n, rounds, solutions, table.concat(first, " ")))
