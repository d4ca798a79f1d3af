local a, b, c = ..[.

