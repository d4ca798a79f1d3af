x = [= abc
