local s = 0
for i = 1, 100 do
  for j = i % 3, 2 do
    s = s + j
  end
  s = s + 1
end
print(s)
