local a, b, c = ...
v = k ^ f.pairs.a.pairs, x() < {pairs < 0.5; y,} % ("s" ~= k)(true)
t[true]:f(next, next.next, (7.5)("\n", d{k, nil}))
if c then local i, pairs
function self.next() local function v(a, b) if false .. 32768 then self{nil}
y[true], v[true] = {1; a = false; [nil] = 'q next.next, (7.'; [true] = false; [false] = g,}, (65536)(true)([[long]], "a\0b") else  end
local x, x = [[long]], c
do local i
self[0/0], self, g[true] = true + nil, k(true, true)("s", true), 2^31 end end
goto l2
local g, d, t = -g("\n", "a\0b") == d(), b[false](next, 2) > k end elseif x() then local y
d, pairs = a end
for i = pairs, not nil + -true ^ "abc" < "x", function(a) self[true].k:t(false)
function i.k(...) local k, y, a = [[long]] % false
t:k() end end do local function self(...) a.y, pairs.v, i = not b, t, -nil == a % i
repeat local next, c ua "a\0b"
function self(a)  end end end
