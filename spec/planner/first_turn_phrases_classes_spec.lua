-- The offline planner's first turn on phrasings of its own kind (seeded tables and phrasings, so
-- a rule fitted to one dataset or one sentence fails here):
--   two values of one column set against each other ("Kalo vs Tinsa", "kids versus adults") put
--   that column on the chart — on x, or as the colour when a group is named — not a scatter;
--   a code the column holds is named by its letters in capitals ("KT") or as the initials of as
--   many words ("kalo tinsa" for KT, "vitamin C" for VC);
--   "side by side" is how the bars stand, never a column called "side";
--   an aggregate word closing the request after a column's name or a dash, courtesy after it
--   ("breaks by tension avg", "… - mean please"), is the measure's aggregate;
--   a column compared with a number ("only states with over 80% urban population", "murder
--   above 10") says which rows — a filter — and is not drawn.
local frame = require "data.frame"
local offline = require "planner.offline"

local gen = require("seeded").new(20261207)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end

-- A table: a category `cat` with the given values (its only column of categories), a `group`
-- of three numbers each on many rows (doses 0.5, 1, 2), two measures (so "A vs B" beside a
-- group could be misread as a scatter of numbers).
local function table_of(cat, values, group, m1, m2)
  local lines = { ("%s,%s,%s,%s"):format(cat, group, m1, m2) }
  local groups = pick { { 0.5, 1, 2 }, { 10, 20, 40 }, { 1.5, 3, 6 } }
  for _, v in ipairs(values) do
    for g = 1, 3 do
      for _ = 1, 4 do
        lines[#lines + 1] = ("%s,%s,%.1f,%d"):format(v, groups[g], rand(400) / 10, rand(90))
      end
    end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
end

local function plan(prompt, df)
  local spec, info = offline.plan(prompt, df, {})
  assert.is_table(spec, ("%q → %s"):format(prompt, tostring(info)))
  return spec
end

-- Column names from plain words (made-up values are syllables; names of syllables would be
-- read for them): a category, a numeric group, two measures.
local function names()
  local m1 = pick { "length", "yield", "uptake", "gain", "growth", "score" }
  local m2 = pick { "cost", "height", "speed" }
  return { pick { "supplement", "method", "treatment", "variant", "brand" }, pick { "dose", "level", "setting" },
    m1, m2 }
end

local VS = { "vs", "versus", "vs.", "compared to", "against" }

describe("first-turn phrasings by class", function()
  it("puts the column of two values set against each other on x, not a scatter", function()
    for _ = 1, 30 do
      local n = names()
      local cat, group, m1, m2 = n[1], n[2], n[3], n[4]
      local a, b = title_case(word(2)), title_case(word(2))
      while b == a do b = title_case(word(2)) end
      local df = table_of(cat, { a, b, title_case(word(1)) }, group, m1, m2)
      local said = pick { "%s %s %s: average %s", "average %s, %s %s %s", "%s %s %s %s", "mean %s for %s %s %s" }
      local prompt
      if said:find("^average %%s") or said:find("^mean") then
        prompt = said:format(m1, a:lower(), pick(VS), b:lower())
      elseif said:find(": average") then
        prompt = said:format(a, pick(VS), b, m1)
      else
        prompt = said:format(a, pick(VS), b, m1)
      end
      local spec = plan(prompt, df)
      assert.equal("bar", spec.type, prompt)
      assert.equal(cat, spec.encoding.x.field, prompt)
      assert.equal(m1, spec.encoding.y.field, prompt)
      -- with a group named, the compared column is the colour
      local both = ("average %s per %s, %s %s %s"):format(m1, group, a, pick(VS), b)
      local grouped = plan(both, df)
      assert.equal(group, grouped.encoding.x.field, both)
      assert.equal(cat, grouped.encoding.color and grouped.encoding.color.field, both)
    end
  end)

  it("reads people words for the values a table writes otherwise ('kids vs adults')", function()
    local PAIRS = { { "Child", "Adult", "kids", "adults" }, { "Female", "Male", "women", "men" },
      { "Adult", "Child", "grownups", "children" }, { "Male", "Female", "boys", "girls" } }
    for _ = 1, 20 do
      local n = names()
      local p = pick(PAIRS)
      local df = table_of(n[1], { p[1], p[2] }, n[2], n[3], n[4])
      local prompt = pick { "%s %s %s, total %s", "%s %s %s: average %s", "%s %s %s in %s" }
        :format(p[3], pick(VS), p[4], n[3])
      local spec = plan(prompt, df)
      assert.equal(n[1], spec.encoding.x.field, prompt)
      assert.equal(n[3], spec.encoding.y.field, prompt)
    end
  end)

  it("reads a code by its capitals or by words whose initials spell it", function()
    for _ = 1, 30 do
      local n = names()
      -- two codes of two letters, and words that start with those letters
      local w1, w2, w3, w4 = word(2), word(2), word(2), word(2)
      while w3:sub(1, 1) == w1:sub(1, 1) do w3 = word(2) end
      local c1 = (w1:sub(1, 1) .. w2:sub(1, 1)):upper()
      local c2 = (w3:sub(1, 1) .. w4:sub(1, 1)):upper()
      local df = table_of(n[1], { c1, c2 }, n[2], n[3], n[4])
      local said = rand(2) == 1 and { c1, c2 } or { w1 .. " " .. w2, w3 .. " " .. w4 }
      local prompt = pick { "does %s beat %s? average %s", "%s or %s: mean %s", "%s vs %s, average %s" }
        :format(said[1], said[2], n[3])
      local spec = plan(prompt, df)
      assert.equal(n[1], spec.encoding.x.field, prompt)
      assert.equal(n[3], spec.encoding.y.field, prompt)
      assert.equal("mean", spec.encoding.y.aggregate, prompt)
    end
  end)

  it("never reads 'side by side' as a column", function()
    for _ = 1, 20 do
      local n = names()
      local df = table_of(n[1], { title_case(word(2)), title_case(word(2)) }, n[2], n[3], n[4])
      local prompt = pick { "average %s per %s side by side", "mean %s by %s, side by side",
        "total %s per %s side by side please" }
        :format(n[3], n[2])
      local spec = plan(prompt, df)
      assert.equal(n[2], spec.encoding.x.field, prompt)
      assert.equal(n[3], spec.encoding.y.field, prompt)
      assert.is_nil(spec.encoding.color, prompt)
    end
  end)

  it("reads an aggregate word closing the request as its measure's", function()
    local AGG = { avg = "mean", average = "mean", mean = "mean", median = "median", total = "sum", max = "max",
      min = "min" }
    local words = {}
    for w in pairs(AGG) do words[#words + 1] = w end
    table.sort(words)
    for _ = 1, 30 do
      local n = names()
      local df = table_of(n[1], { title_case(word(2)), title_case(word(2)) }, n[2], n[3], n[4])
      local w = pick(words)
      local prompt = pick { "%s by %s %s", "%s per %s - %s", "%s_per_%s %s", "%s by %s %s please",
        "%s for each %s %s thanks" }
        :format(n[3], n[1], w)
      local spec = plan(prompt, df)
      assert.equal(n[1], spec.encoding.x.field, prompt)
      assert.equal(n[3], spec.encoding.y.field, prompt)
      assert.equal(AGG[w], spec.encoding.y.aggregate, prompt)
    end
  end)

  it("reads a column compared with a number as a filter, not a field to draw", function()
    local followup = require "planner.followup"
    for _ = 1, 30 do
      local n = names()
      -- one row per entity (a state, a country): two measures beside its name
      local entity = pick { "state", "country", "county", "city" }
      local lines = { ("%s,%s,%s"):format(entity:sub(1, 1):upper() .. entity:sub(2), n[3], n[4]) }
      local seen = {}
      while #lines < 26 do
        local e = title_case(word(3))
        if not seen[e] then seen[e] = true; lines[#lines + 1] = ("%s,%d,%d"):format(e, rand(300), rand(100)) end
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local v = 10 + rand(60)
      local cmp = pick { "over", "above", "under", "below", "more than", "less than" }
      local plural = entity == "city" and "cities" or entity == "country" and "countries" or entity .. "s"
      -- the number before the column, or the column then the comparison
      local text
      if rand(2) == 1 then
        text = pick { "%s per %s but only %s with %s %d%% %s", "%s by %s, just %s with %s %d %s" }
          :format(n[3], entity, plural, cmp, v, n[4])
      else
        text = pick { "%s per %s, only %s with %s %s %d", "%s by %s for %s where %s is %s %d" }
          :format(n[3], entity, plural, n[4], cmp, v)
      end
      local spec = plan(text, df)
      local name = df.names[1]
      assert.equal("bar", spec.type, text)
      assert.equal(name, spec.encoding.x.field, text)
      assert.equal(n[3], spec.encoding.y.field, text)
      assert.is_nil(spec.encoding.color, text)
      followup.rows(text, spec, df)
      local f = spec.transform and spec.transform[1].filter
      assert.equal(n[4], f and f.field, text)
    end
  end)
end)
