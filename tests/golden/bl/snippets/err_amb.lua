local f = g
(f)()
