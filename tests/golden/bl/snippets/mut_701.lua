local a, b, c = ...
goto l2
local a, a = 1e3, nil, ... ~= k "ab5c"[#b](i[1:e-3 ~= nil]{})
for k, v in x do  end
