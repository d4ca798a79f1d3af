loc, c = ..
v.y=()
