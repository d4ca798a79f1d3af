local a, b, c = ...
do local k, self, self, b = c:m(a(nil), ...) end
while nil .. v(- -nil .. f or {y, ..., nil, nil}) do  end
t, i.y, x.x.y, pairs[{}] = k:m(..., ...)
