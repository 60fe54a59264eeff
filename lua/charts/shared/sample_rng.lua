-- The pseudo-random numbers behind the chart modules' sample specs: a fixed LCG, so the
-- gallery, the golden images and the reload self-test always see the same data.
local M = {}

-- A function returning uniform numbers in [0, 1), the same sequence for the same seed.
function M.lcg(seed)
  return function()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
end

return M
