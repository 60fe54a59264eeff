-- The offline planner's first turn on classes of table shapes (not single sentences): each test
-- generates its tables (names, values, sizes seeded) and its phrasings, so a rule fitted to one
-- dataset or one sentence fails here. Tables already counted, a total repeated on each row of
-- its group, a column of US states, a heatmap of numbers, change verbs, counts named by a plural.
local lex = require "planner.lexicon"
local offline = require "planner.offline"

local gen = require("seeded").new(20261205)
local rand, pick, word = gen.rand, gen.pick, gen.word
local distinct_words, csv = gen.words, require("seeded").csv

local plan = require "plan_read"

local function value_channel(spec)
  local enc = spec.encoding
  if spec.type == "pie" then return enc.theta end
  if spec.type == "heatmap" then return enc.color end
  return enc.y
end

describe("first turns by table shape", function()
  it("a table already counted (a count column) adds the count up where rows would be counted", function()
    local COUNT_NAMES = { "count", "n", "freq", "frequency", "cnt" }
    local THINGS = { "flights", "trips", "shipments", "visits", "calls" }
    for _ = 1, 20 do
      local from, to, weight = word(2), word(3), pick(COUNT_NAMES)
      local places = distinct_words(6, 2)
      local rows = {}
      for i = 1, 6 do
        for j = 1, 6 do
          if i ~= j and rand(3) > 1 then rows[#rows + 1] = { places[i]:upper(), places[j]:upper(), rand(900) } end
        end
      end
      local df = csv({ from, to, weight }, rows)
      local thing = pick(THINGS)
      for _, prompt in ipairs { ("%s per %s"):format(thing, from), ("how many %s for each %s"):format(thing, from),
          ("number of %s by %s as a pie"):format(thing, to), ("heatmap of %s and %s"):format(from, to) } do
        local spec = plan(prompt, df)
        local v = value_channel(spec)
        assert.equal(weight, v.field, prompt)
        assert.equal("sum", v.aggregate, prompt)
      end
      -- the same table with a measure that is not a count: rows are counted
      local other = csv({ from, to, "price" }, rows)
      local v = value_channel(plan(("%s per %s"):format(pick(THINGS), from), other))
      assert.equal("count", v.aggregate)
    end
  end)

  it("a vague request on a table counted by many categories draws the top groups by the count", function()
    for _ = 1, 10 do
      local cat, weight = word(2), pick { "count", "n" }
      local rows = {}
      for _, v in ipairs(distinct_words(45, 3)) do rows[#rows + 1] = { v, rand(500) } end
      local df = csv({ cat, weight }, rows)
      local spec = plan(pick { "bar chart", "show me the data", "chart this" }, df)
      assert.equal("bar", spec.type)
      assert.equal(cat, spec.encoding.x.field)
      assert.equal(weight, spec.encoding.y.field)
      assert.is_true(#spec.transform == 1 and spec.transform[1].top >= 5)
    end
  end)

  it("a total repeated on every row of its group is shown, not added up, per group", function()
    for _ = 1, 20 do
      local group, part, total, share = word(2), word(2), pick { "total", "population", "revenue" }, "pct"
      local groups, parts = distinct_words(5, 3), distinct_words(4, 2)
      local rows = {}
      for gi, g in ipairs(groups) do
        local t = 1000 * gi + rand(999)
        for _, p in ipairs(parts) do rows[#rows + 1] = { g, p, t, rand(100) / 100 } end
      end
      local df = csv({ group, part, total, share }, rows)
      local spec = plan(("%s per %s"):format(total, group), df)
      assert.equal(group, spec.encoding.x.field)
      assert.equal(total, spec.encoding.y.field)
      assert.are_not.equal("sum", spec.encoding.y.aggregate)
      -- a total that differs within its groups still adds up
      for _, r in ipairs(rows) do r[3] = rand(5000) end
      local summed = plan(("%s per %s"):format(total, group), csv({ group, part, total, share }, rows))
      assert.equal("sum", summed.encoding.y.aggregate)
    end
  end)

  it("\"by state\" means the column whose values are US states, whatever it is called", function()
    local names = {}
    for name in pairs(lex.place_codes) do names[#names + 1] = name end
    table.sort(names)
    for _ = 1, 20 do
      local col = pick { "name", "label", "geo", "area_name", "entity" }
      local states = {}
      local seen = {}
      while #states < 12 do
        local s = pick(names)
        if not seen[s] then seen[s] = true; states[#states + 1] = s end
      end
      local rows = {}
      for _, s in ipairs(states) do
        local region = pick { "south", "west", "northeast", "midwest" }
        for _ = 1, 3 do rows[#rows + 1] = { '"' .. s:gsub("^%l", string.upper) .. '"', region, rand(1000) } end
      end
      local df = csv({ col, "region", "amount" }, rows)
      for _, prompt in ipairs { "amount by state", "amount per state", "which states have the highest amount" } do
        assert.equal(col, plan(prompt, df).encoding.x.field, prompt)
      end
      assert.equal("region", plan("amount by region", df).encoding.x.field)
    end
  end)

  it("a heatmap named with numbers draws them as the grid", function()
    for _ = 1, 15 do
      local a, b, m = word(2), word(3), word(2)
      local rows = {}
      for i = 1, 60 do rows[#rows + 1] = { rand(9) * 5, 1900 + 10 * rand(10), rand(1000) + i } end
      local df = csv({ a, b, m }, rows)
      local spec = plan(pick { "heatmap of %s by %s and %s", "heat map of %s by %s and %s" }
        :format(m, a, b), df)
      assert.equal("heatmap", spec.type)
      local grid = { [spec.encoding.x.field] = true, [spec.encoding.y.field] = true }
      assert.is_true(grid[a] and grid[b])
      assert.equal(m, spec.encoding.color.field)
      -- two numbers alone: the grid, rows counted
      local two = plan(("heatmap of %s and %s"):format(a, m), df)
      assert.equal("heatmap", two.type)
      assert.equal("count", two.encoding.color.aggregate)
    end
  end)

  it("a verb of change asked with 'how' draws the measure over time", function()
    local VERBS = { "grown", "risen", "fallen", "increased", "decreased", "declined", "dropped", "climbed",
      "developed", "shifted", "evolved", "changed" }
    for _ = 1, 24 do
      local m, g = word(3), word(2)
      local rows = {}
      -- several rows per year and group (records, not one series per group): the words decide
      for y = 1990, 2010 do
        for _, v in ipairs { "a", "b", "a", "b" } do rows[#rows + 1] = { y, g .. v, rand(1000) } end
      end
      local df = csv({ "year", g, m }, rows)
      local prompt = rand(2) == 1 and ("how has %s %s since %d"):format(m, pick(VERBS), 1990 + rand(10))
        or ("did %s go %s after %d?"):format(m, pick { "up", "down", "up or down" }, 1990 + rand(10))
      local spec = plan(prompt, df)
      assert.is_true(spec.type == "line" or spec.type == "area", spec.type)
      assert.equal("year", spec.encoding.x.field)
      assert.equal(m, spec.encoding.y.field)
    end
  end)

  it("a measure named by a plural of counted things adds up; units and scores average", function()
    local COUNTED = { "passengers", "births", "visitors", "arrests", "complaints", "sightings", "tickets" }
    local UNITS = { "ratings", "degrees", "days", "minutes", "scores" }
    for _ = 1, 15 do
      local g = word(2)
      local rows = {}
      for _, v in ipairs(distinct_words(4, 2)) do
        for _ = 1, 3 do rows[#rows + 1] = { v, rand(400), rand(5) } end
      end
      local counted, unit = pick(COUNTED), pick(UNITS)
      local df = csv({ g, counted, unit }, rows)
      assert.equal("sum", plan(("%s by %s"):format(counted, g), df).encoding.y.aggregate)
      assert.equal("mean", plan(("%s by %s"):format(unit, g), df).encoding.y.aggregate)
    end
  end)
  it("groups named by their values with a time unit are series over time; a decade reads as years", function()
    for _ = 1, 15 do
      local g, m = word(2), pick { "count", "amount", "total" }
      local values = distinct_words(3, 2)
      local rows = {}
      for y = 1900, 2000, 10 do
        for _, v in ipairs(values) do
          for _ = 1, 2 do rows[#rows + 1] = { y, v, rand(900) } end
        end
      end
      local df = csv({ "year", g, m }, rows)
      local unit = pick { "year", "decade" }
      local prompt = pick { "%s vs %s per %s", "compare %s and %s by %s", "%s and %s each %s" }
        :format(values[1], values[2], unit)
      local spec, info = offline.plan(prompt, df, {})
      assert.is_table(spec, prompt)
      assert.equal("year", spec.encoding.x.field, prompt)
      assert.equal(g, spec.encoding.color.field, prompt)
      local noted = false
      for _, n in ipairs(info.notes) do noted = noted or n:find("decade", 1, true) ~= nil end
      assert.equal(unit == "decade", noted, prompt)
    end
  end)
  it("a part of a cycle (hour of the day, day of the week, month of the year) pools the dates", function()
    local CYCLES = { { "hour of day", "hours" }, { "hour of the day", "hours" }, { "time of day", "hours" },
      { "day of the week", "day" }, { "weekday", "day" }, { "month of the year", "month" },
      { "calendar month", "month" } }
    for _ = 1, 20 do
      local m, when = word(2), pick { "date", "time", "timestamp", "when" }
      local rows = {}
      for d = 1, 40 do
        rows[#rows + 1] = { ("2024-%02d-%02d %02d:00"):format(1 + d % 12, 1 + d % 28, d % 24), rand(500) }
      end
      local df = csv({ when, m }, rows)
      local c = pick(CYCLES)
      local spec = plan(pick { "average %s by %s", "%s per %s", "how does %s vary by %s" }:format(m, c[1]), df)
      assert.equal(when, spec.encoding.x.field, c[1])
      assert.equal(c[2], spec.encoding.x.timeUnit, c[1])
      local counted = plan(("how many rows per %s"):format(c[1]), df)
      assert.equal(c[2], counted.encoding.x.timeUnit, c[1])
    end
  end)
  it("several measures over time on a wide table are one series each (folded), and render", function()
    local render = require "pipeline"
    for _ = 1, 12 do
      local names = distinct_words(4, 3)
      local header = { "date" }
      for _, n in ipairs(names) do header[#header + 1] = n end
      local rows = {}
      for m = 1, 24 do
        local r = { ("%d-%02d-01"):format(2020 + (m - 1) // 12, 1 + (m - 1) % 12) }
        for k = 1, #names do r[#r + 1] = 100 * k + rand(50) end
        rows[#rows + 1] = r
      end
      local df = csv(header, rows)
      local a, b, c = names[1], names[2], names[3]
      local prompt = pick { "%s and %s over time", "compare %s, %s and %s", "%s, %s and %s by month" }
        :format(a, b, c)
      local spec = plan(prompt, df)
      assert.equal("line", spec.type, prompt)
      assert.equal("date", spec.encoding.x.field, prompt)
      local fold = spec.transform[1].fold
      assert.is_table(fold, prompt)
      assert.is_true(#fold >= 2 and fold[1] == a and fold[2] == b, prompt)
      assert.equal(spec.transform[1].as[1], spec.encoding.color.field)
      assert.equal(spec.transform[1].as[2], spec.encoding.y.field)
      local result = assert(render.render(spec, {}))
      assert.is_true(#result.bytes > 0)
      -- two measures set against each other stay a scatter
      assert.equal("scatter", plan(("%s vs %s"):format(a, b), df).type)
    end
  end)

  it("a name of clipped words (camelCase, snake_case) is named by the words in full", function()
    local PAIRS = { { "dir", "direction" }, { "temp", "temperature" }, { "pop", "population" }, { "cat", "category" },
      { "qty", nil }, { "avg", nil } }
    for _ = 1, 20 do
      -- a clipped head and a clipped tail, e.g. dirCat / temp_cat, beside a column named by the head alone
      local a, b = PAIRS[rand(4)], PAIRS[rand(4)]
      if a[1] ~= b[1] then
        local joined = pick { a[1] .. b[1]:sub(1, 1):upper() .. b[1]:sub(2), a[1] .. "_" .. b[1] }
        local m = word(2)
        local rows = {}
        -- (both continuous: the short column is not told apart by being a group)
        for i = 1, 200 do rows[i] = { i * 10 + rand(9), 10 * (i % 40), rand(90) } end
        local df = csv({ a[1], joined, m }, rows)
        local prompt = pick { "average %s per %s %s", "%s by %s %s, average", "mean %s for each %s %s" }
          :format(m, a[2], b[2])
        local spec = plan(prompt, df)
        assert.equal(joined, spec.encoding.x.field, prompt)
        assert.equal(m, spec.encoding.y.field, prompt)
        assert.equal("mean", spec.encoding.y.aggregate, prompt)
      end
    end
  end)

  it("whole numbers named as identifiers are never added up, and a column of codes is drawn by its labels", function()
    for _ = 1, 15 do
      -- (the identified things are real nouns: their plurals are how people name them)
      local thing, labels = word(2), distinct_words(4, 3)
      local unit, plural = table.unpack(pick { { "county", "counties" }, { "store", "stores" },
        { "customer", "customers" }, { "station", "stations" }, { "patient", "patients" }, { "branch", "branches" } })
      local code_col = pick { "%s_code", "%s_id", "%sCode" }:format(thing)
      local name_col = pick { "common_name", "name", "label" }
      local measure = word(3)
      local rows = {}
      for i = 1, 120 do
        local k = (i % 4) + 1
        rows[i] = { labels[k]:upper():sub(1, 4) .. k, labels[k], 50000 + i, rand(100) / 100 }
      end
      local df = csv({ code_col, name_col, unit .. "_id", measure }, rows)
      local p = pick { "average %s by %s", "%s per %s", "box plot of %s by %s" }:format(measure, thing)
      local spec = plan(p, df)
      assert.equal(name_col, spec.encoding.x and spec.encoding.x.field, p .. " over " .. table.concat(df.names, ","))
      p = ("top 10 %s by total %s"):format(plural, measure)
      local top = plan(p, df)
      assert.equal(unit .. "_id", top.encoding.x and top.encoding.x.field, p)
      assert.equal(measure, top.encoding.y.field, p)
      assert.equal("sum", top.encoding.y.aggregate, p)
    end
  end)

  it("a chart word standing as a clause of its own names the chart", function()
    for _ = 1, 10 do
      local x, y = word(2), word(3)
      local rows = {}
      for i = 1, 60 do rows[i] = { i % 30, rand(100) } end
      local df = csv({ x, y }, rows)
      local spec = plan(pick { "median %s by %s, line", "%s by %s as lines", "max %s per %s. line" }:format(y, x), df)
      assert.equal("line", spec.type)
      assert.equal(x, spec.encoding.x.field)
      assert.equal(y, spec.encoding.y.field)
    end
  end)

  it("a named line or bar of one measure on a table of one row per id is the measure per row", function()
    for _ = 1, 10 do
      local m1, m2 = word(2), word(3)
      local rows = {}
      for i = 1, 10 do rows[i] = { i - 1, rand(90), rand(90) } end
      local df = csv({ pick { "id", "row_id", "key" }, m1 .. "_high", m2 .. "_low" }, rows)
      for prompt, kind in pairs { [("line of %s highs"):format(m1)] = "line",
          [("bar chart of the %s lows"):format(m2)] = "bar" } do
        local spec = plan(prompt, df)
        assert.equal(kind, spec.type, prompt)
        assert.equal(df.names[1], spec.encoding.x.field, prompt)
      end
    end
  end)

  it("axes said by direction (across, up, along the bottom) and a colour scale for a third measure", function()
    for _ = 1, 10 do
      local a, b, c = table.unpack(distinct_words(3, 2))
      local rows = {}
      for i = 1, 50 do rows[i] = { rand(100), rand(100), rand(100) } end
      local df = csv({ a, b, c }, rows)
      local prompt = pick { "%s across, %s up, colour by %s", "%s up and %s across, coloured by %s" }
      local x, y = a, b
      if prompt:find("up and") then x, y = b, a end
      prompt = prompt:format(a, b, c)
      local spec = plan(prompt, df)
      assert.equal("scatter", spec.type, prompt)
      assert.same({ x, y, c }, { spec.encoding.x.field, spec.encoding.y.field,
        spec.encoding.color and spec.encoding.color.field }, prompt)
      assert.equal("quantitative", spec.encoding.color.type)
    end
  end)

  it("a column holding an aggregate already is the one an aggregate word names; a loose word beside a name is part of it", function()
    local AGGS = { { "avg", "mean", "average" }, { "mean", "mean", "mean" }, { "total", "sum", "total" },
      { "max", "max", "maximum" } }
    -- (measures are real words: how their names inflect is what tells "delay" from "delayed")
    local MEASURES = { { "delay", "delayed" }, { "return", "returned" }, { "cancellation", "cancelled" },
      { "load", "loaded" }, { "wait", "waited" } }
    for _ = 1, 15 do
      local g = word(3)
      local m, counted = table.unpack(pick(MEASURES))
      local prefix, agg, said = table.unpack(pick(AGGS))
      local rows = {}
      for i = 1, 40 do rows[i] = { "G" .. (i % 5), rand(9), rand(90), pick { "ATL", "ORD", "DEN" } } end
      local df = csv({ g, counted, prefix .. "_" .. m, "origin" }, rows)
      -- "departure delay" style: a place word loosely beside the measure's name
      local prompt = ("%s departure %s per %s"):format(said, m, g)
      local spec = plan(prompt, df)
      assert.equal(prefix .. "_" .. m, spec.encoding.y.field, prompt)
      assert.equal(g, spec.encoding.x.field, prompt)
      -- named by its own name, the other column stays (unless the aggregate word is the prefix's own)
      if said ~= prefix then
        spec = plan(("%s %s per %s"):format(said, counted, g), df)
        assert.equal(counted, spec.encoding.y.field)
      end
    end
  end)

  it("stacking named with a time unit and no chart stacks bars over time, adding the parts up", function()
    for _ = 1, 10 do
      local g, m = word(2), word(3)
      local rows = {}
      for i = 1, 60 do rows[i] = { ("2024-%02d-%02d"):format(i % 12 + 1, i % 28 + 1), "S" .. (i % 3), rand(50) } end
      local df = csv({ "day", g, m }, rows)
      local spec = plan(pick { "%s per month, stacked by %s", "%s by month stacked by %s" }:format(m, g), df)
      assert.equal("bar", spec.type)
      assert.equal("day", spec.encoding.x.field)
      assert.equal(g, spec.encoding.color.field)
      assert.equal("sum", spec.encoding.y.aggregate)
      assert.is_true(spec.options.stacked)
    end
  end)

  it("columns called x and y go on those axes; what runs 'along' is the x axis", function()
    for _ = 1, 10 do
      local g = word(2)
      local rows = {}
      for i = 1, 30 do rows[i] = { "S" .. (i % 3), rand(50), rand(50) } end
      local df = csv({ g, pick { "X", "x" }, pick { "Y", "y" } }, rows)
      local xn, yn = df.names[2], df.names[3]
      local spec = plan(pick { "scatter %s vs %s", "%s vs %s", "plot %s against %s" }:format(xn, yn), df)
      assert.same({ xn, yn }, { spec.encoding.x.field, spec.encoding.y.field })
      local a, b = word(3), word(2)
      local df2 = csv({ a, b }, { { 1, 2 }, { 2, 3 }, { 3, 5 }, { 4, 4 } })
      local line = plan(("line chart of %s along %s"):format(b, a), df2)
      assert.same({ a, b }, { line.encoding.x.field, line.encoding.y.field })
    end
  end)

  it("a rate adjective on a measure averaged per group compares the groups; 'which year' ranks years; 'total' over series adds them up", function()
    for _ = 1, 10 do
      local kinds = distinct_words(4, 2)
      local kind_col, m = pick { "entity", "kind", "category" }, word(3)
      local rows = {}
      for y = 1990, 2009 do
        for k = 1, 4 do rows[#rows + 1] = { kinds[k]:upper(), y, rand(500) } end
      end
      local df = csv({ kind_col, "year", m }, rows)
      local rate = pick { "yearly", "annual", "monthly" }
      local p = pick { "average %s %s for each %s", "what's the mean %s %s per %s", "typical %s %s by %s" }
        :format(rate, m, kind_col)
      local spec = plan(p, df)
      assert.equal(kind_col, spec.encoding.x.field, p)
      assert.is_nil(spec.transform, p)
      -- without an aggregate the time words still ask for time
      assert.equal("year", plan(("%s %s by %s"):format(rate, m, kind_col), df).encoding.x.field)
      p = pick { "which year had the most %s in total", "which year had the highest total %s" }:format(m)
      spec = plan(p, df)
      assert.same({ "bar", "year", "sum" }, { spec.type, spec.encoding.x.field, spec.encoding.y.aggregate }, p)
      assert.is_nil(spec.encoding.color, p)
      spec = plan(("total %s by year"):format(m), df)
      assert.is_nil(spec.encoding.color)
    end
  end)
  it("a request word that ends one measure's name names it; a column pooled 'across all' is not drawn", function()
    for _ = 1, 10 do
      local cat, m1, m2 = word(2), word(3), word(2)
      local stop = pick { "change", "value", "size" }
      local joined = ("%s_%s"):format(m2, stop)
      local groups = distinct_words(5, 2)
      local rows = {}
      for y = 2001, 2012 do
        for g = 1, 5 do rows[#rows + 1] = { y, groups[g]:upper(), rand(900), rand(90) - 45 } end
      end
      local df = csv({ "year", cat, m1, joined }, rows)
      for _, p in ipairs { ("the %s per %s"):format(stop, cat), ("yearly %s in %s"):format(stop, pick { "jobs", "items", "things" }),
          ("average %s by %s"):format(stop, cat) } do
        assert.equal(joined, plan(p, df).encoding.y.field, p)
      end
      -- a verb is not the column, and a measure named by its name keeps the chart to it
      assert.equal(m1, plan(("how did %s change over time"):format(m1), df).encoding.y.field)
      -- "by G across all years": the years are pooled
      local p = pick { "%s by %s across all years", "total %s per %s over all years", "%s by %s, all years combined" }
        :format(m1, cat)
      local spec = plan(p, df)
      assert.same({ "bar", cat }, { spec.type, spec.encoding.x.field }, p)
      assert.is_nil(spec.encoding.color, p)
    end
  end)

  it("whole numbers that repeat, named after 'by'/'per' a measure, are groups; spread-out ones a scatter axis", function()
    for _ = 1, 10 do
      local m, g, c = word(3), word(2), word(2)
      local levels = 12 + rand(18)
      local rows = {}
      for _ = 1, levels * (5 + rand(5)) do rows[#rows + 1] = { rand(levels) * 5, rand(100000), rand(1000) / 10 } end
      local df = csv({ g, m, c }, rows)
      local p = pick { "%s by %s", "%s per %s", "%s for each %s" }:format(m, g)
      local spec = plan(p, df)
      assert.same({ "bar", g }, { spec.type, spec.encoding.x.field }, p)
      assert.is_truthy(spec.encoding.y.aggregate, p)
      -- the continuous one still sets measure against measure
      assert.equal("scatter", plan(("%s by %s"):format(m, c), df).type)
    end
  end)
  it("a table of counts (Freq) adds them up; a few kinds counted split the bars; 'women' names Female, 'kids' Child", function()
    for _ = 1, 10 do
      local weight = pick { "Freq", "freq", "n", "count" }
      local class, sex, fate = word(2), pick { "Sex", "sex", "gender" }, word(2)
      local classes = distinct_words(4, 2)
      local coded = rand(2) == 1
      local rows = {}
      for _, c in ipairs(classes) do
        for _, s in ipairs(coded and { "F", "M" } or { "Female", "Male" }) do
          for _, f in ipairs { "Yes", "No" } do rows[#rows + 1] = { c, s, f, rand(300) - 1 } end
        end
      end
      local df = csv({ class, sex, fate, weight }, rows)
      local p = pick { "passengers by %s", "people per %s", "%s by %s" }:format(class, weight)
      local spec = plan(p, df)
      assert.same({ class, weight, "sum" }, { spec.encoding.x.field, spec.encoding.y.field, spec.encoding.y.aggregate })
      spec = plan(("how many %s by %s"):format(fate, class), df)
      assert.same({ class, fate, "sum" }, { spec.encoding.x.field, spec.encoding.color and spec.encoding.color.field,
        spec.encoding.y.aggregate }, "how many")
      local women = pick { "women", "females", "ladies" }
      p = ("people per %s, only %s"):format(class, women)
      spec = require("planner.followup").rows(p, plan(p, df), df) -- the first turn's rows, as the agent reads them
      assert.is_table(spec.transform, p)
      assert.same({ field = sex, oneOf = { coded and "F" or "Female" } }, spec.transform[1].filter, women)
    end
  end)

  it("names of run-together abbreviations, units and time indexes are named by the words in full", function()
    local KINDS = { { "alcohol", "alcgp" }, { "tobacco", "tobgp" }, { "income", "incgp" }, { "education", "edugp" } }
    for _ = 1, 10 do
      local a = pick(KINDS)
      local b
      repeat b = pick(KINDS) until b ~= a
      local m = word(3)
      local rows = {}
      for i = 1, 24 do rows[#rows + 1] = { "g" .. i % 4, "h" .. i % 3, rand(20) - 1, rand(9000) } end
      local df = csv({ a[2], b[2], m, "kms" }, rows)
      local p = ("%s by %s %s"):format(m, a[1], pick { "group", "band", "" })
      assert.equal(a[2], plan(p, df).encoding.x.field, p)
      -- a heatmap of two such groups colours by the measure, even one of few whole numbers
      p = ("heatmap of %s, %s by %s"):format(m, a[1], b[1])
      local spec = plan(p, df)
      assert.same({ a[2], b[2], m }, { spec.encoding.x.field, spec.encoding.y.field, spec.encoding.color.field }, p)
      -- a column named by its unit is named by its kind of quantity
      spec = plan(("%s vs distance"):format(m), df)
      assert.same({ "scatter", "kms" }, { spec.type, spec.encoding.x.field })
      -- a time index shared by many rows (measured on day 0, 2, … per subject) is the time axis
      local t = pick { "Time", "day", "week", "visit" }
      rows = {}
      for s = 1, 8 do
        for d = 0, 10, 2 do rows[#rows + 1] = { s, d, rand(500), "d" .. s % 3 } end
      end
      local subject, diet = pick { "Chick", "subject", "Plant" }, word(2)
      df = csv({ subject, t, m, diet }, rows)
      p = pick { "%s over time by %s", "mean %s per %s over time" }:format(m, diet)
      spec = plan(p, df)
      assert.same({ "line", t, diet }, { spec.type, spec.encoding.x.field, spec.encoding.color.field }, p)
      p = pick { "%s over time, one line per %s", "%s over time, a line for each %s" }:format(m, subject:lower())
      spec = plan(p, df)
      assert.same({ "line", t, subject }, { spec.type, spec.encoding.x.field, spec.encoding.color.field }, p)
    end
  end)
end)
