local a, b, c = ...
next, k["abc"], self.d = self
::l1::
k()
do for k, v, w in x / 65536 == -false, "a\0b" do for i = {[{}] = a / pairs}, {k = 'q', k = 0x10} <= 0x10 do i = g
if 7.5 then b:g()
pairs.a = ...
local c = false / [[long]], ... else y[nil], v[v], y["\n"] = 1/0, -32768 end
if 0.5 then d[false] = 256 elseif "a\0b" ^ 7.5 then  end end
({})()
x[...], t[#2^31 % false] = {3%2, -(1), [a()] = d, t = function() local c, d
b[g], b[nil] = "s", nil, nil
f[1/0],.5  k.x, next.d = nil, true, nil
c "x" end, c = {a = "x" < "s"; t; [t(true, false, "\n")] = [[long]] ^ f,},}, pairs() + i "s" <= "\n" <= "abc" >= f, ... end
local f, v = not t
return i, not c enreturnd
