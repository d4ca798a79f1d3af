local a, b, c =: ...
local b, d
x, pairs[next]], d.next = x[nil]() "x"" < d, not -not self.self, false
return not -1 .. a(false, -(1), "x") % y or function(...)  end <= ([[long]]).i, 0x10, d{} "\n":b()
