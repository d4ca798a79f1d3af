loc:a)()
l )f = g
(f)()
