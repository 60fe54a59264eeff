-- planner.followup on issue #13 item 4's edit grammar, by class: each test makes random tables
-- (seeded; columns and values named by made-up words) and phrases each edit several ways, as
-- tests/probe/followup_probe.lua found them failing on real tables. A rule fitted to one
-- sentence or one table fails here.
local followup = require "planner.followup"
local frame = require "data.frame"

local gen = require("seeded").new(20261206)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end

-- A table: a date, a category column with made-up values, a measure, and (sometimes) a column
-- whose longer name holds a time unit word ("Days to Kalo") to tempt a reading of "by day".
local function table_of()
  local cat, measure = word(2), word(3)
  local unit = pick { "Days", "Weeks", "Months", "Years", "Quarters" }
  local extra = unit .. " to " .. title_case(word(2))
  local values = {}
  for k = 1, 2 + rand(4) do values[k] = title_case(word(2)) .. k end
  local lines = { ("date,%s,%s,%s"):format(cat, measure, extra) }
  for i, v in ipairs(values) do
    for m = 1, 4 do
      lines[#lines + 1] = ("2023-%02d-%02d,%s,%d,%d"):format(m * 3 - 2, 1 + (i * 5) % 27, v, 10 * i + m, rand(9))
    end
  end
  local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
  return df, cat, measure, values
end

local function bar_of(cat, measure, options)
  return { type = "bar", options = options, encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end
local function line_of(measure, unit)
  return { type = "line", encoding = { x = { field = "date", type = "temporal", timeUnit = unit },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end

local read = require "follow_read"

-- The encoding's fields, as "channel=field" sorted: what a styling edit must leave alone.
local function fields_of(spec)
  local out = {}
  for ch, e in pairs(spec.encoding) do if type(e) == "table" and e.field then out[#out + 1] = ch .. "=" .. e.field end end
  table.sort(out)
  return table.concat(out, " ")
end

local POLITE = { "", " please", " pls", " again", " now" }

describe("the edit grammar by class", function()
  it("turns horizontal bars upright when asked for vertical ones, and leaves other charts as they are", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local phrase = pick { "vertical", "vertical bars", "make it vertical", "make the bars vertical", "upright bars",
        "turn it vertical", "vertically" } .. pick(POLITE)
      local spec = read(phrase, bar_of(cat, measure, { horizontal = true }), df)
      assert.is_falsy(spec.options and spec.options.horizontal, phrase)
      assert.equal("bar", spec.type)
      assert.equal(fields_of(bar_of(cat, measure)), fields_of(spec))
      -- a line is upright already: said so, chart unchanged
      if not phrase:find("bars") then
        local _, r = read(phrase, line_of(measure), df, "style")
        assert.equal("line", r.spec.type)
      end
    end
  end)

  it("turns value labels off however it is said, and on with 'annotate'", function()
    for _ = 1, 30 do
      local df, cat, measure = table_of()
      local off = pick { "labels off", "remove labels", "no labels", "take away the data labels", "drop the labels",
        "hide labels", "remove the value labels", "delete all the labels", "without labels", "data labels off" }
        .. pick(POLITE)
      local spec = read(off, bar_of(cat, measure, { labels = true }), df)
      assert.is_falsy(spec.options and spec.options.labels, off)
      assert.equal(fields_of(bar_of(cat, measure)), fields_of(spec))
      local on = pick { "annotate values", "annotate the bars", "labels on", "data labels on", "annotate" } .. pick(POLITE)
      local labelled = read(on, bar_of(cat, measure), df)
      assert.is_true(labelled.options and labelled.options.labels, on)
      -- a filter on values stays a filter
      local kept = read(("remove values below %d"):format(10 + rand(20)), bar_of(cat, measure), df)
      assert.is_table(kept.transform, "remove values below N")
    end
  end)

  it("reads a time unit after 'by' as the grain of dated data, not as a column that holds the word", function()
    for _ = 1, 30 do
      local df, _, measure = table_of()
      local unit = pick { "day", "week", "month", "quarter", "year" }
      local said = pick { "by %s", "per %s", "group by %ss", "split by %ss", "by %s instead", "each %s" }:format(unit)
      local from = unit == "year" and "yearmonth" or "year"
      local spec = read(said, line_of(measure, from), df)
      local want = ({ day = "yearmonthdate", week = "yearweek", month = "yearmonth", quarter = "yearquarter",
        year = "year" })[unit]
      assert.equal(want, spec.encoding.x.timeUnit, said)
      assert.is_nil(spec.encoding.color, said)
    end
  end)

  it("reads markers taken away as markers, not as a change to a scatter", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local said = pick { "hide", "remove", "no", "without", "drop" } .. " " .. pick { "points", "dots", "the dots",
        "the points", "markers" } .. pick(POLITE)
      local spec = read(said, line_of(measure, "yearmonth"), df)
      assert.equal("line", spec.type, said)
      assert.is_false(spec.options.points, said)
      -- a chart word after "no" that is no marker is still a type ("no lines were better")
      local bars = bar_of("date", measure)
      assert.equal("line", read(pick { "no lines were better", "no lines would be nicer" }, bars, df).type)
    end
  end)

  it("reads the plain adjective of a line's weight as its width", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local heavy = rand(2) == 1
      local adj = heavy and pick { "bold", "thick", "heavy", "fat" } or pick { "thin", "fine" }
      local said = pick { "%s lines", "a %s line", "make the line %s", "%s line please" }:format(adj)
      local spec = read(said, line_of(measure, "yearmonth"), df)
      local w = spec.config and spec.config.line and spec.config.line.strokeWidth
      assert.is_number(w, said)
      if heavy then assert.is_true(w > 2, said) else assert.is_true(w < 2, said) end
    end
  end)

  it("drops values said as 'take X out', 'leave X and Y out'", function()
    for _ = 1, 25 do
      local df, cat, measure, values = table_of()
      local a = values[rand(#values)]
      local said = pick { "take %s out", "leave %s out", "cut %s out", "take the %s out", "keep %s out" }:format(a)
        .. pick(POLITE)
      local spec = read(said, bar_of(cat, measure), df)
      local f = spec.transform and spec.transform[1].filter
      assert.is_table(f and f["not"], said)
      assert.same({ a }, f["not"].oneOf, said)
    end
  end)

  it("sorts by name when the words say so, by value otherwise", function()
    for _ = 1, 25 do
      local df, cat, measure = table_of()
      local by_name = { { "sort by label", "ascending" }, { "a-z", "ascending" }, { "A to Z", "ascending" },
        { "z-a", "descending" }, { "sort by " .. cat, "ascending" }, { "order by " .. cat .. " name", "ascending" },
        { "sort labels", "ascending" }, { "sort them a-z", "ascending" } }
      local said = pick(by_name)
      local text = said[1] .. pick(POLITE)
      local spec = read(text, bar_of(cat, measure), df)
      assert.equal(said[2], spec.encoding.x.sort, text)
      local v = read(pick { "sort by value", "sort descending", "sort by " .. measure, "order by size" }, bar_of(cat, measure), df)
      assert.equal("-y", v.encoding.x.sort)
    end
  end)

  it("reads an axis title said with the axis letter and a noun, and the chart's title said 'name the chart'", function()
    for _ = 1, 25 do
      local df, cat, measure = table_of()
      local text = title_case(word(2)) .. " " .. word(2)
      local axis = pick { "x", "y" }
      local said = pick { "%s title %s", "%s title: %s", "%s-axis label: %s", "%s axis label: %s", "%s label: %s",
        '%s axis label "%s"', "%s axis name %s", "%s-axis title %s" }:format(axis, text)
      local spec = read(said, bar_of(cat, measure), df)
      assert.equal(text, spec.encoding[axis].title, said)
      assert.is_nil(spec.title, said)
      local named = read(pick { "name the chart %s", "call the chart %s", "name the graph %s" }:format(text),
        bar_of(cat, measure), df)
      assert.equal(text, named.title)
      -- the labels' angle stays the labels' angle
      local turned = read(axis == "x" and "x labels 45 degrees" or "rotate x labels", bar_of(cat, measure), df)
      assert.is_nil(turned.encoding.x.title)
    end
  end)

  it("reads labels made horizontal or vertical as their angle, not the chart's orientation", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local flat = rand(2) == 1
      local said = pick { "make labels %s", "labels %s", "make the x labels %s", "put the labels %s",
        "tick labels %s" }:format(flat and "horizontal" or "vertical") .. pick(POLITE)
      local spec = read(said, bar_of(cat, measure), df)
      assert.is_nil(spec.options, said)
      assert.equal(flat and 0 or -90, spec.config.axisX.labelAngle, said)
    end
  end)

  it("goes back when asked to put it back", function()
    local df, cat, measure = table_of()
    for _, said in ipairs { "put it back", "change it back", "switch it back please", "put it back how it was",
        "bring that back", "set it back" } do
      assert.equal("undo", followup.interpret(said, bar_of(cat, measure), df).kind, said)
    end
  end)

  it("makes a chart per value for 'for each X' said alone, and a colour for 'a line for each X'", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local said = pick { "for each %s", "ok, for each %s", "and for every %s", "now for each %s please" }:format(cat)
      local spec = read(said, line_of(measure, "yearmonth"), df)
      assert.equal(cat, spec.encoding.column and spec.encoding.column.field, said)
      local lines = read(("a line for each %s"):format(cat), line_of(measure, "yearmonth"), df)
      assert.equal(cat, lines.encoding.color.field)
    end
  end)

  it("reads aggregates in the plural, 'add them up' and 'how many'", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local said = pick { { "medians", "median" }, { "medians please", "median" }, { "show maximums", "max" },
        { "minimums instead", "min" }, { "add them up", "sum" }, { "add it all up", "sum" },
        { "how many rows per bar", "count" }, { "how many", "count" } }
      local base = bar_of(cat, measure)
      base.encoding.y.aggregate = said[2] == "sum" and "mean" or "sum"
      local spec = read(said[1], base, df)
      assert.equal(said[2], spec.encoding.y.aggregate, said[1])
      assert.equal(cat, spec.encoding.x.field)
    end
  end)

  it("reads a number run into top/bottom, '%' said alone, and sizes said as dimensions or multiples", function()
    for _ = 1, 20 do
      local df, cat, measure, values = table_of()
      local n = 1 + rand(#values - 1)
      local top = read(pick { "top%d", "top%d only", "bottom%d", "show top%d" }:format(n), bar_of(cat, measure), df)
      local step
      for _, st in ipairs(top.transform or {}) do if st.top then step = st end end
      assert.is_table(step)
      assert.equal(n, step.top)
      local colored = bar_of(cat, measure)
      colored.encoding.color = { field = "date", type = "nominal" }
      local pct = read(pick { "in %", "as %", "show %", "% please" }, colored, df)
      assert.is_true(pct.options.normalize)
      local w, h = 100 * (3 + rand(9)), 100 * (2 + rand(6))
      local sized = read(pick { "size %d by %d", "%d by %d", "size %dx%d" }:format(w, h), bar_of(cat, measure), df)
      assert.same({ w, h }, { sized.width, sized.height })
      local big = read(pick { "twice as big", "double the size", "2 times bigger" }, bar_of(cat, measure), df)
      assert.same({ 1600, 1200 }, { big.width, big.height })
      local small = read("half the size", bar_of(cat, measure), df)
      assert.same({ 400, 300 }, { small.width, small.height })
      -- a range in percent keeps its number (one some rows pass: a filter none passes is left out)
      local kept = read(("%s above 20%%"):format(measure), bar_of(cat, measure), df)
      assert.is_table(kept.transform)
    end
  end)

  it("puts the measure a scatter is plotted 'against' on x", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local other = df.names[4]
      local base = { type = "scatter", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" } } }
      local said = pick { "against %s", "plot it against %s", "against %s instead", "vs %s", "versus %s please" }
        :format(other:lower())
      local spec = read(said, base, df)
      assert.same({ other, measure }, { spec.encoding.x.field, spec.encoding.y.field }, said)
    end
  end)

  it("reads a colour word said as a colour even when the data has it as a value", function()
    for _ = 1, 20 do
      local colour = pick { "orange", "red", "green", "purple", "navy", "teal" }
      local lines = { "date,city,amount" }
      for k, v in ipairs { title_case(colour), title_case(word(2)), title_case(word(3)) } do
        lines[#lines + 1] = ("2023-0%d-01,%s,%d"):format(k, v, 10 * k)
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local said = pick { "use %s", "make it %s", "paint the line %s", "make the lines %s", "colour it %s" }:format(colour)
      local spec = read(said, line_of("amount", "yearmonth"), df)
      assert.is_nil(spec.transform, said)
      assert.is_string(spec.config.mark.color, said)
      -- with a filter cue it is the value
      local kept = read(pick { "only %s", "%s only", "exclude %s" }:format(colour), line_of("amount", "yearmonth"), df)
      assert.is_table(kept.transform)
    end
  end)

  it("normalises for a percent word said as a form, on data with a column of percents", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local pcol = pick { "pct", "perc" }
      local lines = { ("%s,%s,%s,%s"):format(cat, "kind", measure, pcol) }
      for k = 1, 8 do lines[#lines + 1] = ("%s,%s,%d,%0.2f"):format(df.columns[cat][k], k % 2 == 0 and "A" or "B", k, k / 10) end
      local pdf = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local base = bar_of(cat, measure)
      base.encoding.color = { field = "kind", type = "nominal" }
      local said = pick { "as a share", "show as percentages", "in %", "as a percentage", "as proportions",
        "show it as a share please" }
      local spec = read(said, base, pdf)
      assert.is_true(spec.options and spec.options.normalize, said)
      assert.equal(measure, spec.encoding.y.field, said)
      -- the column named by its own name is the column
      local col = read("show " .. pcol, base, pdf)
      assert.equal(pcol, col.encoding.y.field)
    end
  end)

  it("groups stacked bars however it is said", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local base = bar_of(cat, measure, { stacked = true })
      base.encoding.color = { field = "date", type = "nominal" }
      local said = pick { "group the bars", "group them", "dodge them", "bars next to each other", "side by side",
        "put them next to each other" } .. pick(POLITE)
      local spec = read(said, base, df)
      assert.is_falsy(spec.options and spec.options.stacked, said)
      assert.is_nil(spec.transform, said)
    end
  end)

  it("reads two command words typed as one", function()
    for _ = 1, 10 do
      local df, cat, measure = table_of()
      local said = pick { { "darkmode", "theme" }, { "logscale", "scale" }, { "piechart", "type" },
        { "sortdescending", "sort" }, { "darktheme", "theme" } }
      local _, r = read(said[1] .. pick(POLITE), bar_of(cat, measure), df)
      assert.same({ said[2] }, r.edits, said[1])
    end
  end)

  it("reads an axis title said with a verb before the axis, or after a colon", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local text = pick { "Monthly", "Regional", "Net", "Annual" } .. " " .. pick { "results", "totals", "figures" }
      local axis = pick { "x", "y" }
      local said = pick { "title the %s axis %s", "name the %s axis %s", "label %s as %s", "label the %s as %s",
        "%s axis: %s", "%s-axis: %s", "title %s axis %s" }:format(axis, text)
      local spec = read(said, bar_of(cat, measure), df)
      assert.equal(text, spec.encoding[axis].title, said)
      assert.is_nil(spec.title, said)
      assert.equal(text, read("retitle to " .. text, bar_of(cat, measure), df).title)
    end
  end)

  it("splits by a column after 'legend by', and into panels after 'subplots by' or 'facet wrap'", function()
    for _ = 1, 10 do
      local df, cat, measure = table_of()
      local extra = df.names[4]
      for _, form in ipairs { "legend by %s", "legend per %s" } do
        local c = read(form:format(extra:lower()), bar_of(cat, measure), df)
        assert.same({ extra, cat }, { c.encoding.color and c.encoding.color.field, c.encoding.x.field }, form)
      end
      for _, form in ipairs { "subplots by %s", "facet wrap %s", "subplot per %s", "facet wrap by %s" } do
        local f = read(form:format(cat), line_of(measure, "yearmonth"), df)
        assert.equal(cat, f.encoding.column and f.encoding.column.field, form)
      end
    end
  end)

  it("goes back for 'take that back', 'cancel the last change', 'go back one step'", function()
    local df, cat, measure = table_of()
    for _, said in ipairs { "take that back", "cancel the last change", "go back one step", "cancel that",
        "one step back please", "go back a step" } do
      assert.equal("undo", followup.interpret(said, bar_of(cat, measure), df).kind, said)
    end
    -- a step chart is still a type
    assert.equal("step", read("make it a step chart", line_of(measure, "yearmonth"), df).type)
  end)

  it("un-stacks for 'dont stack', 'grouped bar chart', 'cluster the bars'", function()
    for _ = 1, 10 do
      local df, cat, measure = table_of()
      local base = bar_of(cat, measure, { stacked = true })
      base.encoding.color = { field = "date", type = "nominal" }
      local said = pick { "dont stack", "don't stack them", "grouped bar chart", "cluster the bars", "clustered bars" }
      assert.is_falsy(read(said, base, df).options, said)
    end
  end)

  it("drops values followed by 'removed', 'excluded', 'gone'", function()
    for _ = 1, 20 do
      local df, cat, measure, values = table_of()
      local a = values[rand(#values)]
      local said = pick { "%s removed", "%s excluded please", "%s gone", "with %s removed", "%s dropped" }:format(a)
      local f = read(said, bar_of(cat, measure), df).transform[1].filter
      assert.same({ a }, f["not"] and f["not"].oneOf, said)
    end
  end)

  it("reads labels turned off, numbers on bars, 'limit to N', 'abc order', columns, wider lines, 'more compact'", function()
    for _ = 1, 15 do
      local df, cat, measure, values = table_of()
      assert.is_falsy(read(pick { "turn off labels", "turn off the data labels", "switch off labels" },
        bar_of(cat, measure, { labels = true }), df).options.labels)
      assert.is_true(read(pick { "numbers on bars", "values on the bars", "numbers on top" },
        bar_of(cat, measure), df).options.labels)
      local n = 1 + rand(#values - 1)
      local top = read(pick { "limit to %d", "limit it to %d" }:format(n), bar_of(cat, measure), df)
      assert.equal(n, top.transform[1].top)
      assert.equal("ascending", read(pick { "abc order", "sort abc" }, bar_of(cat, measure), df).encoding.x.sort)
      assert.is_falsy(read(pick { "columns please", "column chart", "as columns" },
        bar_of(cat, measure, { horizontal = true }), df).options)
      local w = read(pick { "wider lines", "narrower line" }, line_of(measure, "yearmonth"), df)
      assert.is_number(w.config.line.strokeWidth)
      local small = read(pick { "more compact", "make it compact" }, bar_of(cat, measure), df)
      assert.is_true(small.width < 800)
    end
  end)

  it("swaps for 'axes swapped', and counts for the lexicon's count words", function()
    for _ = 1, 10 do
      local df, cat, measure = table_of()
      local base = bar_of(cat, measure)
      local sw = read(pick { "axes swapped please", "axis flipped", "axes switched" }, base, df)
      assert.is_true(sw.options and sw.options.horizontal)
      local c = read(pick { "frequency instead", "show frequencies", "tally instead" }, base, df)
      assert.equal("count", c.encoding.y.aggregate)
    end
  end)

  it("puts a column on the axis said 'replace x with Y', 'swap the y for Y'", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local other = df.names[4]
      local base = { type = "scatter", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" } } }
      local said = pick { "replace x with %s", "replace the x with %s", "swap the x for %s", "change x to %s",
        "update the x axis with %s" }:format(other:lower())
      local spec = read(said, base, df)
      assert.same({ other, measure }, { spec.encoding.x.field, spec.encoding.y.field }, said)
    end
  end)

  it("reads 'alphabetic order', 'grouped please', 'label each bar', 'make x Y'", function()
    for _ = 1, 10 do
      local df, cat, measure = table_of()
      assert.equal("ascending", read(pick { "alphabetic order", "sort alphabetic" }, bar_of(cat, measure), df).encoding.x.sort)
      local stacked = bar_of(cat, measure, { stacked = true })
      stacked.encoding.color = { field = "date", type = "nominal" }
      assert.is_falsy(read(pick { "grouped please", "grouped pls", "group please" }, stacked, df).options)
      assert.is_true(read(pick { "label each bar", "label every bar", "label all bars" }, bar_of(cat, measure), df)
        .options.labels)
      local other = df.names[4]
      local base = { type = "scatter", encoding = { x = { field = "date", type = "temporal" },
        y = { field = measure, type = "quantitative" } } }
      local spec = read(pick { "make x %s", "set x %s" }:format(other:lower()), base, df)
      assert.same({ other, measure }, { spec.encoding.x.field, spec.encoding.y.field })
    end
  end)
end)
