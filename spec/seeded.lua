-- Seeded generators for specs that test a class of inputs: the same sequence on every run, so a
-- failure names the case it found. new(seed) → { rand(n) in [1, n], pick(list), word(n syllables) }.
local M = {}

local SYLLABLES = { "ka", "lo", "mer", "tin", "sa", "vor", "del", "qui", "ra", "nos", "bel", "tor", "fen", "gal",
  "mu", "zen", "pra", "dex", "wil", "hor" }

function M.new(seed)
  local rng = seed
  local g = {}
  function g.rand(n) -- deterministic LCG; its low bits repeat with a short period, so the high ones
    rng = (rng * 1103515245 + 12345) % 2147483648
    return (rng >> 15) % n + 1
  end
  function g.pick(list) return list[g.rand(#list)] end
  -- a made-up word no table or lexicon has ("kalomer"), so a rule cannot know it in advance
  function g.word(n)
    local out = {}
    for _ = 1, n or 3 do out[#out + 1] = g.pick(SYLLABLES) end
    return table.concat(out)
  end
  -- k different made-up words of n syllables (column names that must not collide)
  function g.words(k, n)
    local out, seen = {}, {}
    while #out < k do
      local w = g.word(n)
      if not seen[w] then seen[w] = true; out[#out + 1] = w end
    end
    return out
  end
  return g
end

-- A data frame from a header and rows of values, as a CSV would bring them.
function M.csv(header, rows)
  local lines = { table.concat(header, ",") }
  for _, r in ipairs(rows) do lines[#lines + 1] = table.concat(r, ",") end
  return assert(require("data.frame").from_data(table.concat(lines, "\n") .. "\n"))
end

return M
