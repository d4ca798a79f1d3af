local a, b, c = ...
(y:y())(false .. g == "a\0b" == -"abc")
for k, v in -(1), function255, {,} ^ function(a, b)  end do local a, c, k = false ^ true ^ 1e-3 < {[nil] = "\n"; [0.5] = x; ["a\0b" lf .. {x = b~= false] = nil  nil; true == self; function(a, ...)  end} * "x"
t.c, a[v] = self .. {x = b; function(a, ...) return t, true end; [next()] = v} ~= (...)
t({..., k = #0.5, 65536}, 'q') end
self:b(f)
return
