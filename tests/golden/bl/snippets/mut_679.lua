local a, b, c = ...
for k, v, w in -(1) do f[a, y[g] = i[false](), 1e3, {c = k(7.5, 1, false)(true >= nil, -nil; [0] = false / 'q' <= i} >= 65536
break end
function d:t(a) t(next)[not y][(false) > v]()
y.x = d, c - f ~= 1/0, not #[[long]] == 0x10 < b
for k in end end
for -(1) do f['q' < i] "a\0b"
while y(function(a) local b, g
i, pairs.a = false, -32768, 1
t[y] = -0, true
k()() end, 7.5 + nil) do  end
x[f] = ... end end
for k, v in 1 do i(g(), f:d(), v)
return 0/0 ~= false, not d end
