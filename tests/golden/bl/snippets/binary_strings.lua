local s = "\200\201 abc"
local t = "ééééééééééééééééééééééééééééééé"
local u = "\255x\127\0"
return s, t, u
