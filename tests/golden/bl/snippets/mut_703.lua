loca b, c = ."..

