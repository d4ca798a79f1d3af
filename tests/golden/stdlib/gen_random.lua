-- Generates random.txt: math.random sequences. Line: seed \t form \t args \t value(%.17g).
-- seed "default" means no randomseed call (a fresh state).
local out = {}
local function seq(label)
  for i = 1, 40 do
    local form = i % 4
    if form == 0 then out[#out + 1] = label .. "\t0\t-\t" .. string.format("%.17g", math.random())
    elseif form == 1 then out[#out + 1] = label .. "\t1\t" .. i .. "\t" .. string.format("%.17g", math.random(i))
    elseif form == 2 then out[#out + 1] = label .. "\t2\t" .. (-i) .. "," .. (i * 3) .. "\t" .. string.format("%.17g", math.random(-i, i * 3))
    else out[#out + 1] = label .. "\t1\t" .. "2.5" .. "\t" .. string.format("%.17g", math.random(2.5)) end
  end
end
seq("default")
for _, s in ipairs({ 0, 1, 42, -1, 12345, 0.5, 1e10, -1e300, 2^53, 3.14159 }) do
  math.randomseed(s)
  seq(string.format("%.17g", s))
end
math.randomseed(7)
out[#out + 1] = "7\t1\t0\t" .. math.random(0)
out[#out + 1] = "7\t2\t2,1\t" .. math.random(2, 1)
out[#out + 1] = "7\t2\t10,-10\t" .. math.random(10, -10)
io.write(table.concat(out, "\n"), "\n")
