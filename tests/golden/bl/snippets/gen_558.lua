local a, b, c = ...
for k in t:iter() do for i = k.x + true, function(a) return end % t"s" do break end
local v = f.x
for k in u[300] do  end end
x[1], x.x.y = next.x, self(t()) ~= b, false, nil
