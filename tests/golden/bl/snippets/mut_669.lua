local a, b, c = ...--
local next,  (c % "s") "\nb= (c % "s") "\n"
c(v())
