local a, b, = ...
while 'q' do local a, b = c(function(a) pairs.t, x = false, false end, y:v()){}, -2^31
i.t:v(nil).t(f, g < ("x").% 0, -(next).c(nil, -0) + 256 < d)
breaknd
for i = y, (65536).v(false, a, nil):d(true) + pairs do break end
