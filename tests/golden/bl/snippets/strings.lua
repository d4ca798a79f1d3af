local a = "hello"
local b = 'single'
local c = "esc \a\b\f\n\r\t\v\\\"\039\x41\65\z
           continued"
local d = [[long
string]]
local e = [==[with ]] inside]==]
local f = "\u{48}\u{20AC}\u{10FFFF}"
local g = "a very long string constant that goes past the forty char limit"
local h = "ctl \1\2\31\127 end"
local i = [[
skip first newline]]
print(a, b, c, d, e, f, g, h, i)
