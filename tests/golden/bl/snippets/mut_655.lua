loc)al x 1
