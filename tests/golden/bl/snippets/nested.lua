local function a()
  local function b()
    local function c()
      return 1
    end
    return c
  end
  return b
end
local t = {f = function(self) return self end}
function t.g(x) return x end
function t:h(x) return self, x end
function gl() end
function t.a.b.c() end
return a
