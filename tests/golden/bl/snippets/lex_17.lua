x = [[
first]]