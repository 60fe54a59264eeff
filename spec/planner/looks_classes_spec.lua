-- planner.followup on classes of styling follow-ups (seeded tables and phrasings, so a rule fitted
-- to one sentence or one table fails here):
--   "colour-blind friendly", "color blind safe" (the two words apart) are the colourblind theme;
--   see-through / transparent / opacity are acknowledged (chartd has no opacity), chart kept;
--   "a red colour scheme", "colour palette", "green palette" are the colours' styling, never a
--   column: a single-hue scheme on a split, the marks' colour on a chart of one colour;
--   "label the points with X" is a text layer chartd does not draw: said, X never put on the chart.
local frame = require "data.frame"

local gen = require("seeded").new(20261208)
local rand, pick, word = gen.rand, gen.pick, gen.word

local POLITE = { "", " please", " pls", " thanks" }
local LEAD = { "", "make it ", "can you make it ", "make the colours ", "switch to " }

-- A table: two category columns of made-up values (one is the only one left to read a stray word
-- as), a measure.
local function table_of()
  local cat, split, measure = word(2), word(3), word(2) .. "s"
  local lines = { ("%s,%s,%s"):format(cat, split, measure) }
  for i = 1, 4 do
    for k = 1, 3 do lines[#lines + 1] = ("%s,%s,%d"):format(word(2), "k" .. k, 10 * i + rand(50)) end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n")), cat, split, measure
end

local function bar_of(cat, measure, split)
  return { type = pick { "bar", "line", "area" }, encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "sum" },
    color = split and { field = split, type = "nominal" } or nil } }
end

local read = require "follow_read"

describe("styling follow-ups by class", function()
  it("reads 'colour blind' said as two words as the colourblind theme", function()
    for _ = 1, 30 do
      local df, cat, split, measure = table_of()
      local said = pick(LEAD) .. pick { "colour", "color" } .. pick { " ", "-" } .. "blind "
        .. pick { "friendly", "safe", "friendly palette", "friendly colours" } .. pick(POLITE)
      local base = bar_of(cat, measure, rand(2) == 1 and split or nil)
      local spec = read(said, base, df)
      assert.equal("colourblind", spec.theme, said)
      assert.same(base.encoding, spec.encoding, said)
    end
  end)

  it("acknowledges see-through and transparency without changing the chart", function()
    for _ = 1, 30 do
      local df, cat, split, measure = table_of()
      local said = pick { "make them see-through", "see-through marks", "more transparent", "semi-transparent",
        "lower the opacity", "make it see through", "a bit transparent", "reduce opacity" } .. pick(POLITE)
      local base = bar_of(cat, measure, rand(2) == 1 and split or nil)
      local spec, r = read(said, base, df, "style")
      assert.same(base, spec, said)
      assert.truthy(r.notes[1] and r.notes[1]:find("opacity"), said)
    end
  end)

  it("never reads a colour scheme or palette as a column", function()
    local HUE = { red = "reds", blue = "blues", green = "greens", purple = "purples", orange = "oranges" }
    local hues = {}
    for h in pairs(HUE) do hues[#hues + 1] = h end
    table.sort(hues)
    for _ = 1, 30 do
      local df, cat, split, measure = table_of()
      local hue = pick(hues)
      local said = pick { "use a %s colour scheme", "%s color palette", "a %s palette", "colour scheme %s",
        "%s colour scheme instead" }:format(hue) .. pick(POLITE)
      -- on a split: the hue's scheme
      local spec = read(said, bar_of(cat, measure, split), df)
      assert.equal(split, spec.encoding.color.field, said)
      assert.equal(HUE[hue], spec.encoding.color.scale and spec.encoding.color.scale.scheme, said)
      -- on one colour: no column appears, the marks take the hue
      local one = read(said, bar_of(cat, measure), df)
      assert.is_nil(one.encoding.color, said)
      assert.is_table(one.config and one.config.mark, said)
      -- a palette asked for without a name: said, no column read
      local vague = pick { "different colour palette", "another color scheme", "change the colour scheme",
        "nicer palette" }
      local same, r = read(vague, bar_of(cat, measure), df, "style")
      assert.is_nil(same.encoding.color, vague)
      assert.is_table(r.notes, vague)
    end
  end)

  it("says that marks labelled with a column are not drawn, and puts no column on the chart", function()
    for _ = 1, 30 do
      local df, cat, split, measure = table_of()
      local base = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = measure, type = "quantitative" } } }
      local col = pick { cat, split }
      local said = pick { "label the points with %s", "label each point with the %s", "label the dots by %s",
        "annotate the points with %s name", "labels with %s please" }:format(col)
      local spec, r = read(said, base, df, "style")
      assert.same(base.encoding, spec.encoding, said)
      assert.truthy(r.notes[1] and r.notes[1]:find(col, 1, true), said)
    end
  end)
end)
