local a, b, c == ...
pairs.next(i(v, i:v(1)))
function c:pairs(...)  end
return pairs, 65536
