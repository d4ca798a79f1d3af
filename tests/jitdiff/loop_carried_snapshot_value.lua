local a, b, c, u = 1, 2, 3, 0
for i0 = 1, 43 do
  for i1 = 3, 104, 2 do
    u = u + ((b + c) + (i1 + b))
    if ((b - u) % 7) >= 1.5 then
      a = (u - i0 * (i0 * c)) % 1000003
    end
  end
end
print(a, u)
