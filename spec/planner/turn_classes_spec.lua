-- Follow-ups and first turns by class, from a fifth independent set: courtesy and retracted words
-- within a turn, missing values as people name them, axis titles with a verb, what a histogram or
-- a scatter turns into when aggregated, groups after "by" that are numbers, a plural after a year,
-- groups named by their values, colours made panels, measures drawn as they are, refused columns,
-- a column named "total", an aggregate said before its measure, a filter that keeps no row, and
-- names shortened to letters of their words. Column names and values are made up (seeded), so a
-- rule fitted to one table fails here.
local edit = require "follow_read"
local first_read = require "first_read"
local offline = require "planner.offline"
local keeps_rows = require "planner.keeps_rows"
local json = require "util.json"

local gen = require("seeded").new(20261206)
local rand, pick, words = gen.rand, gen.pick, gen.words
local csv = require("seeded").csv

-- A table of a category (three values), a second category (two values), a year, and two measures.
local function table_of(cat, two, measure, other)
  local rows = {}
  -- (values no column's name starts with: "zu…", "xe…")
  local a, b = { "zu" .. gen.word(1), "xe" .. gen.word(1) }, words(3, 2)
  for i = 1, 60 do
    rows[i] = { b[i % 3 + 1], a[i % 2 + 1], 2000 + i % 6, rand(500) + i, rand(90) + 10 }
  end
  return csv({ cat, two, "year", measure, other }, rows), a, b
end

local function channels(spec)
  local e = spec.encoding
  local function f(ch) return e[ch] and (e[ch].field or e[ch].aggregate) or "-" end
  return ("%s x=%s y=%s color=%s column=%s"):format(spec.type, f("x"), f("y"), f("color"), f("column"))
end

-- A follow-up about looks: read as an edit or acknowledged as style, never unclear. Its spec.
local function looks(prompt, base, df)
  local r = require("planner.followup").interpret(prompt, base, df)
  assert.is_truthy(r.kind == "edit" or r.kind == "style", ("%q → %s %s"):format(prompt, r.kind, r.message or ""))
  return r.spec
end

local function bars(cat, measure, split)
  return { type = "bar", encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "mean" },
    color = split and { field = split, type = "nominal" } or nil } }
end

describe("turns by class", function()
  it("courtesy is never read as a column", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = bars(cat, measure, two)
      for _, p in ipairs { "lighter colours pls", "colours a bit softer plz", "different colors thx" } do
        local spec = looks(p, base, df)
        assert.equal(two, spec.encoding.color.field, p)
        assert.equal(cat, spec.encoding.x.field, p)
      end
    end
  end)

  it("words taken back within a turn are not applied; what follows is", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local taken_back = pick { "log scale", "make it a pie", "only " .. cat .. " " .. "x", "sort it" }
      local marker = pick { "no forget it", "actually never mind", "scratch that", "on second thought" }
      local p = ("%s? %s, make it a line chart"):format(taken_back, marker)
      local spec = edit(p, bars(cat, measure), df)
      assert.equal("line", spec.type, p)
      assert.is_nil(spec.transform, p)
      assert.is_nil(spec.options and spec.options.sort, p)
    end
  end)

  it("missing values dropped, named as people name them", function()
    for _ = 1, 4 do
      local cat, measure = table.unpack(words(2, 3))
      local rows = {}
      for i = 1, 30 do rows[i] = { i % 4 == 0 and "" or ("v" .. i % 3), rand(100) } end
      local df = csv({ cat, measure }, rows)
      for _, p in ipairs { "drop the NAs", "remove NAs please", "no NaNs", "without the blanks" } do
        local spec = edit(p, bars(cat, measure), df)
        assert.same({ filter = { field = cat, valid = true } }, spec.transform[1], p)
      end
    end
  end)

  it("an axis titled with a verb and no axis letter: its words, on the axis they name", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local text = pick { "Kelvin", "Households", "Share of votes", "Mean score" }
      local p = pick { "label axis %s", "rename the axis to %s", "call the axis %s", "title the axis %s" }:format(text)
      local spec = edit(p, bars(cat, measure), df)
      assert.equal(text, spec.encoding.y.title, p)
      assert.equal(cat, spec.encoding.x.field, p)
      assert.equal(measure, spec.encoding.y.field, p)
    end
  end)

  it("a histogram aggregated by a category: its binned column is the measure", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local agg, said = table.unpack(pick { { "sum", "total" }, { "mean", "avg" }, { "median", "median" } })
      local p = pick { "by %s i mean, %s", "%s by %s", "per %s, %s" }
      p = p == "%s by %s" and p:format(said, cat) or p:format(cat, said)
      local spec = edit(p, base, df)
      assert.equal("bar " .. "x=" .. cat .. " y=" .. measure, channels(spec):match("^(%a+ x=%S+ y=%S+)"), p)
      assert.equal(agg, spec.encoding.y.aggregate, p)
    end
  end)

  it("a histogram given an aggregate alone: bars of its column by the data's categories, said in a note", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local p = pick { "use median", "average instead", "show the max" }
      local spec, r = edit(p, base, df)
      assert.equal("bar", spec.type, p)
      assert.equal(measure, spec.encoding.y.field, p)
      assert.is_nil(spec.encoding.x.bin, p)
      assert.matches(spec.encoding.x.field, table.concat(r.notes, " "), 1, true)
    end
  end)

  it("an aggregate per the scatter's x keeps its y as the measure", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "scatter", encoding = { x = { field = other, type = "quantitative" },
        y = { field = measure, type = "quantitative" } } }
      local p = pick { "average per %s", "mean by %s", "median per %s please" }:format(other)
      local spec = edit(p, base, df)
      assert.equal(other, spec.encoding.x.field, p)
      assert.equal(measure, spec.encoding.y.field, p)
    end
  end)

  it("a numeric column after 'by' in a change of type is the groups, the measure kept", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local line = { type = "line", encoding = { x = { field = "year", type = "temporal", timeUnit = "year" },
        y = { field = measure, type = "quantitative", aggregate = "sum" } } }
      local spec = edit(pick { "as bars by year", "bars by year please", "make it bars by year" }, line, df)
      assert.equal("bar", spec.type)
      assert.equal("year", spec.encoding.x.field)
      assert.equal(measure, spec.encoding.y.field)
      local hist = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local p = ("avg by %s of %s, as a line"):format(pick { "years", "levels", "number" }, other)
      spec = edit(p, hist, df)
      assert.equal("line x=" .. other .. " y=" .. measure, channels(spec):match("^(%a+ x=%S+ y=%S+)"), p)
    end
  end)

  it("a plural after a year names the rows kept, not a column to draw", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "box", encoding = { x = { field = two, type = "nominal" },
        y = { field = measure, type = "quantitative" } } }
      local p = pick { "only %d %ss", "just the %d %ss", "only %d %ss please" }:format(2000 + rand(5), cat)
      local spec = edit(p, base, df)
      assert.equal(two, spec.encoding.x.field, p)
      assert.equal("year", spec.transform[1].filter.field, p)
    end
  end)

  it("groups named by their values after 'by' split by their column", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df, a = table_of(cat, two, measure, other)
      local base = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local p = pick { "split by %s/%s %s", "colour by %s or %s", "split by %s vs %s" }:format(a[1], a[2], two)
      local spec = edit(p, base, df)
      assert.equal(two, spec.encoding.color and spec.encoding.color.field, p)
      assert.is_nil(spec.transform, p)
    end
  end)

  it("panels asked for without a column: the colours' column becomes the panels", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = bars(cat, measure, two)
      local p = pick { "one panel each instead of colours", "separate panels instead", "facet it",
        "small multiples please", "put them in separate charts", "panels not colours" }
      local spec = edit(p, base, df)
      assert.equal(two, spec.encoding.column.field, p)
      assert.is_nil(spec.encoding.color, p)
      -- the panels' looks are no panels
      spec = looks("panel background white", base, df)
      assert.equal(two, spec.encoding.color.field)
    end
  end)

  it("a chart of one row per point draws a new measure as it is, not as an aggregate of one", function()
    for _ = 1, 6 do
      local measure, other = table.unpack(words(2, 3))
      local rows = {}
      for i = 1, 40 do rows[i] = { ("20%02d-%02d-01"):format(10 + i // 12, i % 12 + 1), rand(300), rand(50) } end
      local df = csv({ "date", measure, other }, rows)
      local base = { type = "line", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" } } }
      local p = pick { "use %s instead", "show %s", "switch to %s" }:format(other)
      local spec = edit(p, base, df)
      assert.equal(other, spec.encoding.y.field, p)
      assert.is_nil(spec.encoding.y.aggregate, p)
    end
  end)

  it("a column only refused ('not X') is not added", function()
    for _ = 1, 6 do
      local measure = words(1, 3)[1]
      local rows = {}
      for i = 1, 40 do rows[i] = { ("20%02d-%02d-01"):format(10 + i // 12, i % 12 + 1), rand(300), rand(300) } end
      local df = csv({ "date", measure, "adjusted " .. measure }, rows)
      local base = { type = "line", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" } } }
      local p = pick { "raw values, not adjusted", "the raw ones, not the adjusted", "thicker line, not adjusted" }
      local spec = looks(p, base, df)
      assert.equal(measure, spec.encoding.y.field, p)
    end
  end)

  it("an aggregate said of a word for percentages names the column of them", function()
    for _ = 1, 6 do
      local cat = words(1, 3)[1]
      local rows = {}
      for i = 1, 30 do rows[i] = { "g" .. i % 4, rand(100) / 100, rand(9000) } end
      local df = csv({ cat, "pct", "total" }, rows)
      local p = pick { "avg share", "median share please", "mean percentage" }
      local spec = edit(p, bars(cat, "total"), df)
      assert.equal("pct", spec.encoding.y.field, p)
      assert.is_nil(spec.options and spec.options.normalize, p)
    end
  end)

  it("'the X column' names the column X, whatever word X is", function()
    for _ = 1, 4 do
      local cat = words(1, 3)[1]
      local name = pick { "total", "count", "max", "average" }
      local rows = {}
      for i = 1, 30 do rows[i] = { "g" .. i % 4, rand(100) } end
      local df = csv({ cat, name }, rows)
      local base = { type = "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { aggregate = "count", type = "quantitative" } } }
      local p = pick { "by the %s column", "use the %s column", "show the %s field" }:format(name)
      local spec = edit(p, base, df)
      assert.equal(name, spec.encoding.y.field, p)
      assert.is_nil(spec.options and spec.options.labels, p)
    end
  end)

  it("an aggregate said before any measure is the one applied when a measure is named", function()
    local followup = require "planner.followup"
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local counted = { type = "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { aggregate = "count", type = "quantitative" } } }
      local agg = pick { "median", "mean", "max", "min" }
      local p = pick { "by the %s column", "use %s", "show %s" }:format(measure)
      local r = followup.interpret(p, counted, df, { said_agg = agg })
      assert.equal(measure, r.spec.encoding.y.field, p)
      assert.equal(agg, r.spec.encoding.y.aggregate, p)
      -- (none said: the column's own usual aggregate)
      r = followup.interpret(p, counted, df, {})
      assert.equal(require("planner.edits.fields").default_aggregate({ prof = offline.profile(df) }, measure),
        r.spec.encoding.y.aggregate, p)
    end
  end)

  it("a chart type that needs a measure, on a chart of counts, gets the data's measure", function()
    for _ = 1, 4 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { aggregate = "count", type = "quantitative" } } }
      local spec, r = edit(pick { "boxplot it", "as box plots", "box plot please" }, base, df)
      assert.equal("box", spec.type)
      assert.equal(cat, spec.encoding.x.field)
      assert.is_string(spec.encoding.y.field)
      assert.matches("added", table.concat(r.notes, " "))
    end
  end)

  it("a distribution of something no column is named: a histogram of the data's measure", function()
    for _ = 1, 4 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local spec = first_read(pick { "zorble size distribution", "distribution of the plonks",
        "how are the wumbles distributed" }, df)
      assert.equal("histogram", spec.type)
    end
  end)

  it("a filter read from the words that keeps no row is left out, with a note", function()
    for _ = 1, 6 do
      local cat, measure = table.unpack(words(2, 3))
      local rows = {}
      for i = 1, 30 do rows[i] = { "g" .. i % 4, rand(100) / 1000 } end
      local df = csv({ cat, measure }, rows)
      local spec = { type = "bar", encoding = {}, transform = {
        { filter = { field = measure, gte = 1000 + rand(100000) } },
        { filter = { field = measure, lte = 0.5 } } } }
      local notes = keeps_rows.drop_empty(spec, df)
      assert.equal(1, #notes)
      assert.matches(measure, notes[1])
      assert.same({ { filter = { field = measure, lte = 0.5 } } }, spec.transform)
      -- (a filter that keeps rows stays; one that cannot be checked here stays too)
      local kept = { transform = { { filter = { field = cat, oneOf = json.array({ "g1" }) } },
        { filter = { field = "when", timeUnit = "year", equal = 2001 } } } }
      assert.equal(0, #keeps_rows.drop_empty(kept, df))
      assert.equal(2, #kept.transform)
    end
  end)

  it("a column of known kinds of values is named by the kind's noun", function()
    local kinds = { diet = { "herbi", "carni", "omni", "insecti" }, weather = { "sun", "rain", "fog", "snow" },
      transmission = { "manual", "automatic" }, continent = { "Africa", "Asia", "Europe", "Oceania" },
      fuel = { "diesel", "petrol", "electric" } }
    for noun, values in pairs(kinds) do
      local cat, measure, other = table.unpack(words(3, 3))
      local rows = {}
      for i = 1, 40 do rows[i] = { values[i % #values + 1], "g" .. i % 5, rand(100), rand(70) } end
      local df = csv({ cat, "grp", measure, other }, rows)
      local base = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = other, type = "quantitative" } } }
      local p = pick { "color by %s", "colour by %s please", "split by %s" }:format(noun)
      local spec = edit(p, base, df)
      assert.equal(cat, spec.encoding.color and spec.encoding.color.field, p)
    end
  end)

  it("a column named like a command word, after 'by', is the column", function()
    for _, name in ipairs { "order", "rank", "area", "line", "sort" } do
      local measure, other = table.unpack(words(2, 3))
      local rows = {}
      for i = 1, 30 do rows[i] = { "v" .. i % 4, rand(100), rand(70) } end
      local df = csv({ name, measure, other }, rows)
      local base = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = other, type = "quantitative" } } }
      local p = pick { "colour by %s", "color by %s please", "no wait, I meant by %s" }:format(name)
      local spec = edit(p, base, df)
      assert.equal("scatter", spec.type, p)
      assert.equal(name, spec.encoding.color and spec.encoding.color.field, p)
    end
  end)

  it("a flag column is named by its word without the prefix (inmetro, isweekend, hasdebt)", function()
    for _, case in ipairs { { "in", "metro" }, { "is", "weekend" }, { "has", "garage" }, { "in", "state" } } do
      local name = case[1] .. case[2]
      local cat, measure = table.unpack(words(2, 3))
      local rows = {}
      for i = 1, 30 do rows[i] = { "v" .. i % 4, i % 2, rand(100) } end
      local df = csv({ cat, name, measure }, rows)
      local p = pick { "colour by %s or not", "split %s vs non %s", "colour by %s" }:format(case[2], case[2])
      local spec = edit(p, bars(cat, measure), df)
      assert.equal(name, spec.encoding.color and spec.encoding.color.field, p)
    end
  end)

  it("a column's groups pooled ('added together', 'combined') leave the chart and its filters", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df, a = table_of(cat, two, measure, other)
      local base = bars(cat, measure, two)
      base.transform = { { filter = { field = two, oneOf = json.array({ a[1] }) } } }
      local p = pick { "both %ss added together", "%s combined", "combine the %s", "all %ss pooled" }:format(two)
      local spec = edit(p, base, df)
      assert.is_nil(spec.encoding.color, p)
      assert.is_nil(spec.transform, p)
      assert.equal(cat, spec.encoding.x.field, p)
    end
  end)

  it("a second split said with 'and'/'too' on a coloured chart is its panels", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df = table_of(cat, two, measure, other)
      local base = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = other, type = "quantitative" }, color = { field = cat, type = "nominal" } } }
      local p = pick { "and split by %s", "split by %s too", "also split by %s" }:format(two)
      local spec = edit(p, base, df)
      assert.equal(cat, spec.encoding.color.field, p)
      assert.equal(two, spec.encoding.column and spec.encoding.column.field, p)
      -- (said alone, the split replaces the colours)
      spec = edit(("split by %s"):format(two), base, df)
      assert.equal(two, spec.encoding.color.field)
    end
  end)

  it("one value kept of the column the chart is split by: one series, no legend of one", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df, _, b = table_of(cat, two, measure, other)
      local p = pick { "only %s", "just %s please", "keep only %s" }:format(b[1])
      local spec = edit(p, bars(two, measure, cat), df)
      assert.is_nil(spec.encoding.color, p)
      assert.same({ b[1] }, spec.transform[1].filter.oneOf or { spec.transform[1].filter.equal }, p)
      -- (two kept: still split)
      spec = edit(("only %s and %s"):format(b[1], b[2]), bars(two, measure, cat), df)
      assert.equal(cat, spec.encoding.color.field)
    end
  end)

  it("a value's marks given a colour are looks, not a filter; a split asked with a filter stays", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df, _, b = table_of(cat, two, measure, other)
      local base = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = other, type = "quantitative" }, color = { field = cat, type = "nominal" } } }
      local p = pick { "make the %s points red and the %s ones blue", "%s dots green please", "%s in orange" }
        :format(b[1], b[2])
      local spec = looks(p, base, df)
      assert.is_nil(spec.transform, p)
      assert.equal(cat, spec.encoding.color.field, p)
      -- a filter kept from before does not take a split asked for now
      local kept = { type = "scatter", encoding = base.encoding,
        transform = { { filter = { field = cat, oneOf = json.array({ b[1] }) } } } }
      kept.encoding = { x = base.encoding.x, y = base.encoding.y }
      spec = edit(("colour by %s"):format(cat), kept, df)
      assert.equal(cat, spec.encoding.color.field)
    end
  end)

  it("a value of several words is read whole, over a weak reading of one of its words", function()
    for _ = 1, 4 do
      local measure = words(1, 3)[1]
      local function county() return (gen.word(2):gsub("^%l", string.upper)) .. " County" end
      local places = { county(), county(), "Zubel", "Xefor" }
      local rows = {}
      for i = 1, 40 do rows[i] = { places[i % 4 + 1], ("20%02d-01-01"):format(10 + i // 4), rand(100) } end
      local df = csv({ "city", "date", measure }, rows)
      local base = { type = "line", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" }, color = { field = "city", type = "nominal" } } }
      local p = ("just %s, %s and %s"):format(places[3]:lower(), places[1]:lower(), places[2]:lower())
      local spec = edit(p, base, df)
      assert.equal(3, #spec.transform[1].filter.oneOf, p)
      assert.equal("city", spec.encoding.color.field, p)
    end
  end)

  it("a first chart of one row per time point and series draws each value as it is", function()
    for _ = 1, 4 do
      local measure = words(1, 3)[1]
      local rows = {}
      for i = 1, 60 do rows[i] = { ("20%02d-%02d-01"):format(10 + (i - 1) // 36, (i - 1) // 3 % 12 + 1),
        ({ "north", "south", "west" })[i % 3 + 1], rand(500) } end
      local df = csv({ "date", "site", measure }, rows)
      local spec = first_read(pick { "%s over time by site", "%s per site over time" }:format(measure), df)
      assert.equal("site", spec.encoding.color and spec.encoding.color.field)
      assert.is_nil(spec.encoding.y.aggregate)
      -- (said: it stays)
      spec = first_read(("total %s over time by site"):format(measure), df)
      assert.equal("sum", spec.encoding.y.aggregate)
    end
  end)

  it("a measure over a part of the time cycle is drawn as bars; over time, as a line", function()
    for _ = 1, 4 do
      local measure = words(1, 3)[1]
      local rows = {}
      for i = 1, 200 do
        rows[i] = { ("2024-%02d-%02dT%02d:00:00"):format(i % 12 + 1, i % 27 + 1, i % 24), rand(100) }
      end
      local df = csv({ "when", measure }, rows)
      local cycle = pick { "per hour of day", "by day of week", "by hour of the day", "per weekday" }
      local spec = first_read(("avg %s %s"):format(measure, cycle), df)
      assert.equal("bar", spec.type, cycle)
      assert.equal("line", first_read(("avg %s over time"):format(measure), df).type)
    end
  end)

  it("a named group of places (G7, EU, Nordic) keeps its members' rows, or leaves them out", function()
    local groups = {
      { "just the G7", { "Japan", "Canada", "Italy" }, { "India", "Brazil" } },
      { "only EU countries", { "Germany", "Czech Republic", "Malta" }, { "Norway", "Turkey" } },
      { "nordic countries only", { "Norway", "Iceland" }, { "Estonia", "Germany" } },
      { "exclude the BRICS", { "Russian Federation", "South Africa", "India" }, { "Chile", "Japan" } },
    }
    for _, g in ipairs(groups) do
      local p, members, others = table.unpack(g)
      local cat, measure = table.unpack(words(2, 3))
      local rows, all = {}, {}
      for _, v in ipairs(members) do all[#all + 1] = v end
      for _, v in ipairs(others) do all[#all + 1] = v end
      for i = 1, 30 do rows[i] = { all[i % #all + 1], "k" .. i % 3, rand(100) } end
      local df = csv({ cat, "grp", measure }, rows)
      local spec = edit(p, bars(cat, measure), df)
      local f = spec.transform[1].filter
      local kept = f["not"] and f["not"].oneOf or f.oneOf
      table.sort(kept)
      local want = { table.unpack(members) }
      table.sort(want)
      assert.same(want, kept, p)
      assert.equal(p:find("exclude") ~= nil, f["not"] ~= nil, p)
    end
  end)

  it("styling turns that look like edits leave the chart as it is", function()
    for _ = 1, 6 do
      local cat, two, measure, other = table.unpack(words(4, 3))
      local df, _, b = table_of(cat, two, measure, other)
      local scatter = { type = "scatter", encoding = { x = { field = measure, type = "quantitative" },
        y = { field = other, type = "quantitative" }, color = { field = cat, type = "nominal" } } }
      local hist = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local split = bars(two, measure, cat)
      local cases = {
        { pick { "reverse the y axis", "invert the x axis", "flip the y axis please" }, scatter },
        { pick { "x axis title 'personal savings rate %'", "y axis label: share in %", "title 'growth %'" }, hist },
        { ("colours: %s=grey, %s=light blue, %s=dark blue"):format(b[1], b[2], b[3]), split },
        { pick { "put legend on the left and use bigger labels", "put the legend at the bottom" }, split },
      }
      for _, case in ipairs(cases) do
        local p, base = case[1], case[2]
        local spec = looks(p, base, df)
        assert.equal(channels(base), channels(spec), p)
        assert.is_nil(spec.transform, p)
        assert.is_nil(spec.options and spec.options.normalize, p)
      end
    end
  end)

  it("a country's initials in capitals name it; the same letters as a word do not", function()
    for _ = 1, 4 do
      local cat, measure = table.unpack(words(2, 3))
      local names = { "United States", "United Kingdom", "France", "Chile", "United Arab Emirates" }
      local rows = {}
      for i = 1, 40 do rows[i] = { names[i % #names + 1], "k" .. i % 3, rand(100) } end
      local df = csv({ cat, "grp", measure }, rows)
      local p = pick { "just the US and UK", "only US, UK", "keep the UK and the US" }
      local spec = edit(p, bars(cat, measure), df)
      local kept = spec.transform[1].filter.oneOf
      table.sort(kept)
      assert.same({ "United Kingdom", "United States" }, kept, p)
      spec = edit(pick { "show us the top 5", "give us bars sorted" }, bars(cat, measure), df)
      for _, step in ipairs(spec.transform or {}) do assert.is_nil(step.filter) end
    end
  end)

  it("a dotted name of shortened words, and a two-letter name, are read from the words", function()
    local pairs_of = { { "writing hand", "W.Hnd", "measure" }, { "fuel", "fl" }, { "north region", "N.Rgn" },
      { "total revenue", "Tot.Rev" }, { "body weight", "Bd.Wgt" } }
    for _, case in ipairs(pairs_of) do
      local said, name = case[1], case[2]
      local rows = {}
      for i = 1, 20 do rows[i] = { "k" .. i % 3, rand(100), rand(50) } end
      local df = csv({ "grp", name, "zz" }, rows)
      local prof = offline.profile(df)
      local ms = offline.mentions(offline.tokenize("by " .. said), prof)
      assert.equal(name, ms[1] and ms[1].col.name, said)
    end
  end)
end)
