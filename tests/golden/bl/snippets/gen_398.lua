local a, b, c = ...
f[1], b, c.x.y, k = not not not not not ... .. (...) and {}, -1/0
for i = nil, {} do break end
pairs.x.y, c.next, b = u"s" > nil
