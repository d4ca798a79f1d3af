l,.

ocal a, c = ...

