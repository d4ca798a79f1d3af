local a, b, c = ...
funct1eion pairs.d(...) rat  until {= #(nil){'q'}
c{0/0} end
goto l2
if -32768 then v, f = c end
