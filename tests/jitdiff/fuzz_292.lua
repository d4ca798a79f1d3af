local a, b, c, u = 1, 2, 3, 0
local t = {}
for k = 1, 20 do t[k] = k end
local function f(x, y) if x > y then return x - y end return y % 7 + x end
local function g(x) u = u + 1; if x ~= x then return 0 end return (x % 13) end
a = math.floor(((9) * (((7.5) * (-4)))) / 3)
b = (((((((a) - (b))) % 2)) - (((((1.5) * (u))) + (((1.5) % 6)))))) % 1000003
if (b) >= (((((c) % 7)) + (((2.5) % 3)))) then
c = math.floor(((((c) - (0))) % 9) / 3)
for i1 = 3, 45, 1 do
if (((((4.5) - (i1))) % 6)) > (((((-4) * (8.5))) - (((i1) - (c))))) then
if (((((b) % 6)) * (((i1) + (c))))) < (((((8.5) + (b))) - (((b) - (7.5))))) then
if (((((2.5) - (i1))) + (c))) > (((((a) + (i1))) % 9)) then
c = f(((c) * (((5.5) * (a)))), ((-1) * (((4.5) * (b)))))
if (((((c) % 9)) * (((3.5) % 2)))) == (((b) - (((a) % 6)))) then
b = b + 1
b = b + 1
a = a + 1
else
b = b + 1
a = a + 1
end
a = g(((c) % 7))
else
if (((-1) + (((8.5) - (5))))) > (((7.5) + (((9.5) * (3))))) then
a = a + 1
else
a = a + 1
end
t[5] = ((((a) * (a))) - (((b) + (5))))
end
else
b = (((((((u) * (b))) - (a))) * (((7) % 4)))) % 1000003
end
if (i1) < (((((a) * (b))) - (((c) + (c))))) then
a = f(((i1) * (-5)), u)
if (((((b) + (b))) + (((u) - (b))))) ~= (((((a) % 9)) - (c))) then
c = math.floor(((((b) % 5)) * (((9.5) - (0)))) / 3)
if (((((a) % 9)) + (((a) * (i1))))) <= (a) then
a = a + 1
else
a = a + 1
a = a + 1
end
else

end
else
a = a + (t[2] or 0)
c = (7.5) % 1000003
end
else

end
if (((((u) % 8)) % 5)) >= (((((a) * (i1))) * (((i1) * (c))))) then
if (((0) + (((b) % 7)))) ~= (c) then
t[2] = ((((6.5) * (a))) + (u))
else
c = g(-4)
if (((((c) + (6.5))) - (((c) % 2)))) ~= (((((b) % 4)) - (((u) + (4))))) then
c = c + (t[6] or 0)
if (((((a) % 7)) + (((i1) * (9))))) < (((2.5) + (((3) - (b))))) then
a = a + 1
c = c + 1
else
a = a + 1
end
else
a = math.floor(((((7.5) % 5)) * (2)) / 3)
if (((((c) - (u))) % 8)) == (((((i1) - (u))) * (((u) % 2)))) then
c = c + 1
b = b + 1
else
b = b + 1
end
end
end
c = g(u)
a = (((((((i1) - (6))) + (a))) + (a))) % 1000003
else
if (((i1) + (((7.5) * (7.5))))) > (-4) then
if (((a) % 2)) == (((((u) % 6)) * (((u) * (c))))) then
if (((((i1) * (u))) + (((5.5) % 4)))) > (((((c) * (c))) % 6)) then
a = a + 1
b = b + 1
c = c + 1
else
c = c + 1
b = b + 1
end
b = (i1) % 1000003
if (i1) == (3.5) then
a = a + 1
c = c + 1
else

end
else
t[9] = ((((a) - (a))) % 4)
end
if (((((9.5) % 5)) + (b))) <= (i1) then
b = (((((((b) + (3))) % 2)) + (((((a) - (7))) + (-2))))) % 1000003
else

end
else
c = c + (t[1] or 0)
if (((((i1) + (u))) * (((2.5) * (3.5))))) >= (((((1) % 6)) + (((a) - (0))))) then
a = math.floor(((((a) + (9.5))) % 6) / 3)
if (((((u) % 5)) % 9)) == (((((a) % 6)) + (((u) * (c))))) then
c = c + 1
c = c + 1
else

end
else
if (((((6.5) + (a))) * (((i1) * (6.5))))) ~= (((((0) + (c))) * (c))) then
b = b + 1
b = b + 1
c = c + 1
else
a = a + 1
c = c + 1
end
t[2] = ((((i1) + (c))) % 9)
end
end
end
b = (((((((c) - (u))) - (((-3) * (2.5))))) + (b))) % 1000003
t[9] = 2
end
else
for i1 = 20, 1, -1 do
b = f(((u) - (6.5)), ((1) * (8.5)))
b = b + (t[9] or 0)
a = math.floor(((((9) % 9)) - (((3.5) * (c)))) / 3)
end
a = f(u, u)
end
for i0 = 0, 139, 1 do
u = u + ((((u) % 7)) + (((b) * (6))))
for i1 = 64, 1, -1 do
for i2 = -1, 68, 1 do
u = u + i2
if (((((9.5) - (a))) % 2)) <= (((((u) + (c))) % 2)) then
a = f(((((i2) - (a))) + (((b) % 5))), ((((b) % 6)) * (i0)))
b = math.floor(((((c) - (c))) - (b)) / 3)
a = (2.5) % 1000003
else

end
if (((((3) - (c))) + (i1))) > (((((b) % 5)) - (((7.5) - (i0))))) then
c = c + (t[5] or 0)
b = f(((((-2) * (u))) % 8), ((((a) + (9.5))) % 5))
if (((((a) + (i2))) * (((c) % 7)))) ~= (((c) % 7)) then
if (((((7.5) % 2)) - (((i2) + (c))))) <= (c) then
a = a + 1
a = a + 1
a = a + 1
else
c = c + 1
c = c + 1
end
if (((i0) % 5)) ~= (9.5) then
b = b + 1
a = a + 1
else

end
t[7] = ((((u) % 3)) % 5)
else
c = f(((((i0) * (a))) + (((u) - (u)))), ((((i1) - (7))) - (((-2) * (b)))))
end
else
t[10] = ((((i0) % 8)) + (((u) * (i1))))
end
if (((((8) * (a))) + (((i0) * (i1))))) <= (((((i2) + (i2))) - (((i0) + (a))))) then
c = (((((((a) % 8)) + (((u) - (i1))))) - (((((u) * (i2))) % 9)))) % 1000003
else

end
end
u = u + ((((b) - (b))) - (((i0) * (a))))
for i2 = 3, 99 do
a = (((c) - (((((i1) - (u))) * (((b) - (i0))))))) % 1000003
b = g(((((8.5) * (u))) * (((1) * (i2)))))
if (i2) ~= (b) then
if (b) == (((((i2) + (u))) % 2)) then
a = (b) % 1000003
b = f(((4) % 9), ((((i0) + (b))) + (((-1) % 5))))
else
if (((a) + (((c) % 5)))) >= (((((2) % 4)) * (((i2) % 5)))) then
b = b + 1
b = b + 1
else
b = b + 1
b = b + 1
end
c = g(a)
end
else

end
end
for i2 = -2, 46 do
if (((((c) + (i2))) % 7)) == (((4.5) % 9)) then
if (((((4.5) * (2))) * (i0))) < (2.5) then
u = u + ((((u) + (b))) + (a))
b = b + (t[4] or 0)
else
if (((i0) % 9)) <= (u) then
a = a + 1
c = c + 1
a = a + 1
else

end
end
u = u + i1
else

end
a = (((((5) % 6)) - (c))) % 1000003
end
end
t[2] = ((((u) - (6))) + (((u) - (a))))
end
local s = 0
for k = 1, 20 do s = s + (t[k] or 0) end
print(string.format("%.6g %.6g %.6g %.6g %.6g", a, b, c, u, s))
