-- Comparisons of a narrowed loop counter with integral and non-integral constants,
-- KNUM-loaded locals and other counters (int and num guards), plus a side trace that
-- links back to its loop with the counter converted to a number.
local y, big = 0, 100000
for i = 1, 300 do
  if i == 80 then y = y + 1 end
  if i ~= 2.5 then y = y + 2 end
  if i < big then y = y + 3 end
  local k = 1e5
  if i >= k then y = y + 100 end
  if i > 150 then y = y + 5 else y = y - 1 end
  for j = 1, 3 do
    if i <= j then y = y + 7 end
  end
end
print(y)
local neg = 0
for i = 10, -10, -1 do
  if i == -3 then neg = neg + 1 end
  if i < -0.5 then neg = neg + 10 end
end
print(neg)
