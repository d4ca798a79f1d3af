local a, b, c, u = 1, 2, 3, 0
local t = {}
for k = 1, 20 do t[k] = k end
local function f(x, y) if x > y then return x - y end return y % 7 + x end
local function g(x) u = u + 1; if x ~= x then return 0 end return (x % 13) end
u = u + 7.5
for i0 = 3, 77 do
b = (((((9.5) * (b))) + (((((c) * (c))) + (((b) % 2)))))) % 1000003
b = g(3)
c = (((((((c) - (6.5))) % 7)) * (a))) % 1000003
for i1 = 60, -1, -1 do
b = b + (t[7] or 0)
c = (((((4.5) * (((i0) % 5)))) + (((((6.5) * (b))) + (((b) + (-3))))))) % 1000003
b = math.floor(((((b) * (c))) - (((i1) + (u)))) / 3)
end
end
c = c + (t[20] or 0)
for i0 = 1, 43 do
c = (((((((c) % 2)) - (((b) + (u))))) * (a))) % 1000003
for i1 = 3, 104, 2 do
u = u + ((((b) + (c))) + (((i1) + (b))))
if (((((b) - (u))) % 7)) >= (((3.5) % 2)) then
if (((a) + (((i1) - (a))))) < (((c) * (((u) % 5)))) then
if (((((6.5) + (a))) % 7)) >= (((((b) - (i0))) - (((i0) + (a))))) then
a = a + (t[7] or 0)
else

end
else
c = f(a, ((((u) - (c))) * (((6.5) % 3))))
end
if (((((i1) - (c))) * (b))) < (((((i0) % 8)) * (b))) then
if (((b) + (((c) * (i1))))) >= (((c) % 5)) then
u = u + b
b = g(((((i1) % 9)) + (((u) + (5.5)))))
if (((c) * (((i1) - (c))))) == (((((u) - (3.5))) - (((u) % 3)))) then
a = a + 1
c = c + 1
else
a = a + 1
b = b + 1
end
else
if (((((i0) + (c))) + (((1.5) - (3.5))))) < (((c) + (((6) % 7)))) then
b = b + 1
else
a = a + 1
b = b + 1
end
end
if (i0) >= (((((c) * (3.5))) - (((b) * (i0))))) then
if (((((7) % 7)) + (((u) + (i0))))) == (((((4) % 2)) + (b))) then
c = c + 1
a = a + 1
a = a + 1
else
a = a + 1
a = a + 1
end
if (((((i0) - (a))) % 7)) ~= (((a) * (((b) - (b))))) then
b = b + 1
else
b = b + 1
end
if (((((a) % 4)) + (((c) * (-1))))) >= (((u) * (((c) * (c))))) then
a = a + 1
b = b + 1
a = a + 1
else

end
else
a = f(((((4.5) - (b))) % 4), b)
end
else
if (i0) < (a) then
b = (((((((b) * (i0))) + (a))) * (((((c) % 7)) + (((a) * (-2))))))) % 1000003
a = a + (t[6] or 0)
else
if (i1) >= (((((u) - (b))) * (((i1) - (0))))) then
b = b + 1
c = c + 1
a = a + 1
else
a = a + 1
b = b + 1
end
b = (((1) * (((u) - (c))))) % 1000003
end
end
else
a = (((u) - (((i0) * (((i0) * (c))))))) % 1000003
end
end
if (u) >= (i0) then
for i2 = 47, 1, -1 do
if (u) ~= (((((i0) + (c))) - (((i2) * (i2))))) then
b = f(((((b) + (b))) - (((i0) % 4))), ((((b) % 5)) % 9))
if (((a) - (((a) % 2)))) < (a) then
a = math.floor(((6.5) + (((i0) * (c)))) / 3)
b = b + (t[13] or 0)
else

end
if (u) > (((((u) - (i0))) + (((b) - (u))))) then
if (((((c) % 5)) % 8)) > (((((2) + (i0))) * (u))) then
c = c + 1
b = b + 1
else
a = a + 1
a = a + 1
end
a = f(a, u)
else
b = g(i0)
end
else
b = math.floor(i0 / 3)
end
if (((((-1) * (c))) % 5)) > (((((i0) - (8.5))) % 7)) then
if (((((u) + (u))) - (b))) == (-4) then
if (((a) - (((6) * (i0))))) > (((i2) % 8)) then
c = c + 1
c = c + 1
else

end
c = f(((i2) - (((u) % 6))), ((c) + (((u) % 6))))
else

end
else
b = b + (t[6] or 0)
end
c = f(((b) * (((i2) % 7))), i2)
t[6] = ((((-5) % 3)) + (i2))
end
c = c + (t[5] or 0)
else
b = f(((((i0) % 9)) % 4), ((7) % 7))
end
end
t[1] = ((((0) % 8)) + (((5.5) % 9)))
local s = 0
for k = 1, 20 do s = s + (t[k] or 0) end
print(string.format("%.6g %.6g %.6g %.6g %.6g", a, b, c, u, s))
