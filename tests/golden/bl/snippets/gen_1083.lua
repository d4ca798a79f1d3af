local a, b, c = ...
if true - not not #nil / 1e308*10 + 0x7fffffff % self.x then  end
::l3::
local u = function() return i end
