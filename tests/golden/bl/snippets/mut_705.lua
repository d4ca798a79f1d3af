lobreakcal a, b, c = ...
if 0.5 >= self then for k, v, w in pairs, -nil and {c = k,} ^ "s" .. 7.5, g do repeat  until 1e3 end
while g do local c end
(y) [[long]] else  end
::l3::
t[#{c, t("a\0b", y.f), "\n", x{-false, {"x", nil,}},}] = v, -("a\0;b").t(), f
