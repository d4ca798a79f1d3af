[TRACE --- nbody.lua:77 -- leaving loop in root trace at nbody.lua:92]
[TRACE --- nbody.lua:77 -- leaving loop in root trace at nbody.lua:92]
[TRACE   1 nbody.lua:73 loop]
