-- The offline planner on column names written with a dot or in clipped words (seeded names and
-- phrasings, so a rule fitted to one table fails here): a name typed as the data writes it
-- ("S.Amer", "Solar.R") names that column, and so do its words said in full, each name word the
-- start of a request word ("north america" for N.Amer, "solar radiation" for Solar.R, "urban
-- population" for UrbanPop) — not a neighbour that shares a word; a word of a measure's name before
-- the things it measures names that measure ("more urban states" is UrbanPop, not a kind of State).
local frame = require "data.frame"
local lex = require "planner.lexicon"
local offline = require "planner.offline"

local gen = require("seeded").new(20261210)
local rand, pick, word = gen.rand, gen.pick, gen.word

-- full words and their clipped forms: { "north", "n" }, { "america", "amer" } …
local function clip(w, n) return w:sub(1, n) end

local function plan(prompt, df)
  local spec, info = offline.plan(prompt, df, {})
  assert.is_table(spec, ("%q → %s"):format(prompt, tostring(info)))
  return spec
end

local function fields_of(spec)
  local out = {}
  for _, ch in pairs(spec.encoding) do if type(ch) == "table" and ch.field then out[ch.field] = true end end
  return out
end

describe("clipped and dotted column names by class", function()
  it("reads a dotted name as typed and its clipped words said in full", function()
    for _ = 1, 30 do
      -- a shared second word ("amer") and three first words ("north", "south", "middle")
      local tail = word(3)
      local heads, seen = {}, {}
      while #heads < 3 do
        local h = word(2)
        if not seen[h:sub(1, 1)] then seen[h:sub(1, 1)] = true; heads[#heads + 1] = h end
      end
      local tail_cut = 3 + rand(#tail - 4)
      local names = {}
      local function cap(w) return w:sub(1, 1):upper() .. w:sub(2) end
      for i, h in ipairs(heads) do
        names[i] = cap(clip(h, pick { 1, 3 })) .. "." .. cap(clip(tail, tail_cut))
      end
      local lines = { "Year," .. table.concat(names, ",") .. ",Other" }
      for y = 1950, 1960 do
        lines[#lines + 1] = ("%d,%d,%d,%d,%d"):format(y, rand(900), rand(900), rand(900), rand(900))
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local k = rand(3)
      local full = heads[k] .. " " .. tail
      local said = pick { "%s per year", "%s over time", "total %s by year", "%s by year as bars" }:format(full)
      local spec = plan(said, df)
      assert.is_true(fields_of(spec)[names[k]] == true, said)
      -- typed as the data writes it, beside another measure
      local j = k % 3 + 1
      local typed = ("%s vs %s scatter"):format(names[k], names[j])
      local sc = plan(typed, df)
      local got = fields_of(sc)
      assert.is_true(got[names[k]] and got[names[j]], typed)
    end
  end)

  it("reads a word of a measure's name before the things measured as that measure", function()
    for _ = 1, 30 do
      local adj = pick { "urban", "rural", "coastal", "wealthy", "northern", "elderly" }
      local measure = adj:sub(1, 1):upper() .. adj:sub(2) .. pick { "Pop", "Pct", "Share", "Rate" }
      local other = word(3)
      local entity = pick { "State", "Country", "County", "Region" }
      local plural = ({ State = "states", Country = "countries", County = "counties", Region = "regions" })[entity]
      -- (and a measure that tracks `other` closely: what a scatter of `other` alone is set against)
      local twin = word(2) .. "x"
      local lines = { ("%s,%s,%s,%s"):format(entity, measure, other, twin) }
      -- the rows are places (a column of place names, as a table of states or countries has)
      local names = {}
      for p in pairs(lex.places) do if #p > 4 and not p:find("[%s%.]") then names[#names + 1] = p end end
      table.sort(names)
      local seen = {}
      while #lines < 26 do
        local e = pick(names):gsub("^%l", string.upper)
        if not seen[e] then
          seen[e] = true
          local o = rand(400)
          lines[#lines + 1] = ("%s,%d,%d,%d"):format(e, rand(100), o, 2 * o + rand(5))
        end
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local said = pick { "do more %s %s have more %s? a scatter please", "are %s %s higher in %s? scatter",
        "whether more %s %s have more %s, as a scatter" }:format(adj, plural, other)
      local spec = plan(said, df)
      assert.equal("scatter", spec.type, said)
      local got = fields_of(spec)
      assert.is_true(got[measure] and got[other], said)
    end
  end)
end)
