-- planner.followup on classes of follow-ups (not single sentences): each test generates its data
-- and its phrasings (seeded), so a rule fitted to one sentence or one dataset fails here.
-- Values named loosely, type changes said as a preference, months and seasons, removing a split,
-- a group named by a word no column has, stacking one series, an aggregate on a chart of counts,
-- reasons given with a request, the font and the palette's mood.
local followup = require "planner.followup"
local frame = require "data.frame"
local transforms = require "transforms"

local gen = require("seeded").new(20261205)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end

-- A frame: a date, a category column `name` with the given values, a measure.
local function frame_with(name, values, months)
  local lines = { "date," .. name .. ",amount" }
  for i, v in ipairs(values) do
    for m = 1, months or 2 do
      lines[#lines + 1] = ("2023-%02d-%02d,%s,%d"):format(m, 1 + i % 27, v, 10 * i + m)
    end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
end

local function line_of(name)
  return { type = "line", encoding = { x = { field = "date", type = "temporal", timeUnit = "yearmonth" },
    y = { field = "amount", type = "quantitative", aggregate = "sum" },
    color = name and { field = name, type = "nominal" } or nil } }
end

local read = require "follow_read"

-- A line kept to one value of the frame's category column.
local function kept_any(df)
  local chart = line_of()
  local name = df.names[2]
  chart.transform = { { filter = { field = name, oneOf = { df.columns[name][1] } } } }
  return chart
end

local function the_filter(spec)
  assert.is_table(spec.transform, "no filter")
  return spec.transform[1].filter
end

describe("follow-ups by class", function()
  it("read a value by one word of a longer value, with a filter cue", function()
    for _ = 1, 25 do
      -- three two-word values whose first words differ ("Kalomer Energy", "Tinsa Power", …)
      local heads, values, seen = {}, {}, {}
      while #heads < 3 do
        local h = word(2)
        if not seen[h] then seen[h] = true; heads[#heads + 1] = h end
      end
      local tail = pick { "Energy", "Group", "Sector", "Fuels", "Region" }
      for i, h in ipairs(heads) do values[i] = title_case(h) .. " " .. tail end
      local df = frame_with("source", values)
      local k = rand(3)
      local keep = read(pick { "only %s", "just %s", "%s only", "keep %s" }:format(heads[k]), line_of(), df)
      assert.same({ values[k] }, the_filter(keep).oneOf)
      local drop = read(pick { "drop %s", "leave out %s", "exclude %s", "without %s" }:format(heads[k]), line_of(), df)
      assert.same({ values[k] }, the_filter(drop)["not"].oneOf)
      -- widening a kept value: "add X too"
      local other = k % 3 + 1
      local wide = read(("add %s too"):format(heads[other]), keep, df)
      local got = the_filter(wide).oneOf
      table.sort(got)
      local want = { values[k], values[other] }
      table.sort(want)
      assert.same(want, got)
    end
  end)

  it("does not read a word of a value as a filter without a cue", function()
    local df = frame_with("kind", { "All natural disasters", "Drought", "Flood" })
    local spec = read("by kind of disaster", line_of(), df)
    assert.is_nil(spec.transform)
    assert.equal("kind", spec.encoding.color.field)
  end)

  it("reads a name by the code the data holds for it (tickers, state codes)", function()
    for _ = 1, 25 do
      -- names, and codes made the way tickers are: the first letter and later letters in order
      local names, codes, seen = {}, {}, {}
      while #names < 4 do
        local n = word(3)
        local code = n:sub(1, 1)
        for c = 2, #n do if #code < 4 and rand(2) == 1 and not n:sub(c, c):match("[aeiou]") then code = code .. n:sub(c, c) end end
        code = code:upper()
        if #code >= 2 and not seen[code] and not seen[n:sub(1, 1)] then
          seen[code], seen[n:sub(1, 1)] = true, true
          names[#names + 1], codes[#codes + 1] = n, code
        end
      end
      local df = frame_with("symbol", codes)
      local a, b = 1, rand(3) + 1
      local spec = read(("only %s and %s"):format(names[a], names[b]), line_of("symbol"), df)
      local got = the_filter(spec).oneOf
      table.sort(got)
      local want = { codes[a], codes[b] }
      table.sort(want)
      assert.same(want, got, table.concat(names, ",") .. " / " .. table.concat(codes, ","))
      -- compared to one more, on a chart kept to one
      local one = read(("only %s"):format(names[a]), line_of("symbol"), df)
      local more = read(("compare it to %s"):format(names[b]), one, df)
      assert.equal(2, #the_filter(more).oneOf)
    end
  end)

  it("reads a place by the code a column of codes holds for it", function()
    local lex = require "planner.lexicon"
    local names = {}
    for name in pairs(lex.place_codes) do names[#names + 1] = name end
    table.sort(names)
    for _ = 1, 15 do
      local chosen, seen = {}, {}
      while #chosen < 6 do
        local n = pick(names)
        if not seen[n] then seen[n] = true; chosen[#chosen + 1] = n end
      end
      local codes = {}
      for k, n in ipairs(chosen) do codes[k] = lex.place_codes[n] end
      local df = frame_with("st", codes)
      local spec = read(("drop %s and %s"):format(chosen[1], chosen[2]), line_of("st"), df)
      local got = the_filter(spec)["not"].oneOf
      table.sort(got)
      local want = { codes[1], codes[2] }
      table.sort(want)
      assert.same(want, got, chosen[1] .. " / " .. chosen[2])
    end
  end)

  it("changes the type when it is said as a preference", function()
    local df = frame_with("region", { "North", "South" })
    local bar = line_of("region")
    bar.type = "bar"
    local TYPES = { { "lines", "line" }, { "a line", "line" }, { "area", "area" }, { "line's", "line" } }
    local FORMS = { "no, %s were better", "%s would be nicer", "i'd rather have %s", "%s instead please",
      "no wait, %s better", "honestly %s would be clearer" }
    for _, form in ipairs(FORMS) do
      for _, t in ipairs(TYPES) do
        local spec = read(form:format(t[1]), bar, df)
        assert.equal(t[2], spec.type, form:format(t[1]))
      end
    end
    -- "A not B", "A instead of B", "A rather than B", on a chart of either type: A
    for _, pair in ipairs { { "lines", "line", "bars", "bar" }, { "bars", "bar", "lines", "line" },
        { "area", "area", "lines", "line" } } do
      for _, form in ipairs { "%s not %s", "%s instead of %s", "%s rather than %s", "no %s, %s instead" } do
        local text = form == "no %s, %s instead" and form:format(pair[3], pair[1]) or form:format(pair[1], pair[3])
        for _, from in ipairs { "bar", "line" } do
          local base = line_of("region")
          base.type = from
          assert.equal(pair[2], read(text, base, df).type, text .. " on a " .. from)
        end
      end
    end
    -- a scatter of a data set with one measure: its points over the dates
    local one = assert(frame.from_data("day,price,ticker\n2024-01-01,3,A\n2024-02-01,4,B\n2024-03-01,5,A\n"))
    local sc = read("switch to scatter", { type = "line", encoding = { x = { field = "day", type = "temporal",
      timeUnit = "yearmonth" }, y = { field = "price", type = "quantitative", aggregate = "mean" } } }, one)
    assert.same({ "scatter", "day", "price" }, { sc.type, sc.encoding.x.field, sc.encoding.y.field })
    -- the chart's own marks are not a type change
    local r = followup.interpret("make the lines thicker", line_of("region"), df)
    assert.equal("line", r.spec.type)
  end)

  it("keeps months and seasons of dated data, and drops them", function()
    local lines = { "date,amount" }
    for m = 1, 12 do for d = 1, 3 do lines[#lines + 1] = ("2022-%02d-%02d,%d"):format(m, d * 7, m) end end
    local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
    local NAMES = { "january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december" }
    local records = frame.to_records(df)
    -- the rows a filter keeps, as the set of their months (the data's month is its amount)
    local function months_of(spec)
      local set = {}
      for _, r in ipairs(transforms.run(records, spec.transform, "transform")) do set[r.amount] = true end
      local out = {}
      for m in pairs(set) do out[#out + 1] = m end
      table.sort(out)
      return out
    end
    for _ = 1, 20 do
      local a, b = rand(12), rand(12)
      assert.same({ a }, months_of(read(pick { "only %s", "just %s", "%s only" }:format(NAMES[a]), line_of(), df)))
      local span = {}
      local m = a
      while true do span[#span + 1] = m; if m == b then break end; m = m % 12 + 1 end
      table.sort(span)
      assert.same(span, months_of(read(("from %s to %s"):format(NAMES[a], NAMES[b]), line_of(), df)))
      local rest = {}
      for k = 1, 12 do if k ~= a then rest[#rest + 1] = k end end
      assert.same(rest, months_of(read(("leave out %s"):format(NAMES[a]), line_of(), df)))
    end
    assert.same({ 6, 7, 8 }, months_of(read("summer months only", line_of(), df)))
    assert.same({ 1, 2, 12 }, months_of(read("just winter", line_of(), df)))
    -- a year and a month together: both filters stay
    local both = read("only march 2022", line_of(), df)
    assert.equal(2, #both.transform)
    -- "may" the verb is not May
    assert.equal("bar", read("may be better as a bar chart", line_of(), df).type)
  end)

  it("keeps or drops decades of dated data", function()
    local lines = { "date,amount" }
    for y = 1950, 2025 do lines[#lines + 1] = ("%d-06-01,%d"):format(y, y) end
    local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
    local records = frame.to_records(df)
    local function years(spec)
      local out = {}
      for _, r in ipairs(transforms.run(records, spec.transform, "transform")) do out[#out + 1] = r.amount end
      return out[1], out[#out], #out
    end
    for _ = 1, 10 do
      local d = 1950 + 10 * (rand(7) - 1)
      local short = ("%02ds"):format(d % 100)
      local lo, hi, n = years(read(pick { "only the %s", "just the %s", "%s only" }:format(pick { d .. "s", short }),
        line_of(), df))
      assert.same({ d, d + 9, 10 }, { lo, hi, n })
      local _, _, left = years(read(("leave out the %ds"):format(d), line_of(), df))
      assert.equal(76 - 10, left)
    end
    local lo, hi = years(read("1960s to 1980s", line_of(), df))
    assert.same({ 1960, 1989 }, { lo, hi })
    -- years of older data are years too
    local old = { "date,amount" }
    for y = 1790, 1870 do old[#old + 1] = ("%d-03-01,%d"):format(y, y) end
    df = assert(frame.from_data(table.concat(old, "\n") .. "\n"))
    records = frame.to_records(df)
    for _ = 1, 5 do
      local y = 1790 + rand(80)
      local a, b, n = years(read(("only %d"):format(y), line_of(), df))
      assert.same({ y, y, 1 }, { a, b, n })
    end
  end)

  it("removes a colour split however it is said", function()
    local df = frame_with("segment", { "A", "B", "C" })
    for _, p in ipairs { "take the colour off", "take off the colors", "drop the segment split", "remove the colours",
        "colours off", "no colour", "get rid of the color", "drop the segment", "remove segment",
        "without segment" } do
      local spec = read(p, line_of("segment"), df)
      assert.is_nil(spec.encoding.color, p)
    end
    -- a column named to be dropped that the chart does not use changes nothing, and says so
    local r = followup.interpret("drop the segment", line_of(), df)
    assert.equal("style", r.kind)
    assert.is_nil(r.spec.encoding.color)
    assert.truthy(r.notes[1]:find("not on the chart", 1, true))
    -- and a split asked for is still a split
    assert.equal("segment", read("split by segment", line_of(), df).encoding.color.field)
  end)

  it("reads a group named by a word no column has as the data's one column of categories", function()
    for _ = 1, 10 do
      local name = word(2)
      local df = frame_with(name, { "P", "Q", "R" })
      local noun = pick { "company", "type", "kind", "team", "brand", "category" }
      local spec, r = read(("by %s"):format(noun), line_of(), df)
      assert.equal(name, spec.encoding.color.field)
      assert.truthy(r.notes[1]:find(noun, 1, true))
    end
    -- the chart split by that column already: said so, never unclear
    for _, p in ipairs { "by company", "colour the lines by company too", "split by company" } do
      local df = frame_with("ticker", { "P", "Q" })
      local r = followup.interpret(p, line_of("ticker"), df)
      assert.truthy(r.kind == "edit" or r.kind == "style", p .. " → " .. r.kind)
      assert.equal("ticker", r.spec.encoding.color.field)
    end
    -- a period word is no column ("per decade" is not a split by the categories)
    local df = frame_with("segment", { "A", "B" })
    local r = followup.interpret("per decade", line_of(), df)
    assert.is_nil(r.spec and r.spec.encoding.color)
  end)

  it("stacks one series by the data's one column of categories", function()
    local df = frame_with("fuel", { "Coal", "Gas", "Wind" })
    local spec, r = read(pick { "stack them", "stacked please", "make it stacked" }, line_of(), df)
    assert.equal("fuel", spec.encoding.color.field)
    assert.truthy(spec.options and spec.options.stacked)
    assert.truthy(r.notes[1]:find("fuel", 1, true))
  end)

  it("takes an aggregate of the main measure on a chart of counts", function()
    local df = frame_with("segment", { "A", "B" })
    local counts = { type = "line", encoding = { x = { field = "date", type = "temporal", timeUnit = "yearmonth" },
      y = { aggregate = "count", type = "quantitative" } } }
    for word_, agg in pairs { average = "mean", total = "sum", max = "max", median = "median" } do
      local spec, r = read(word_, counts, df)
      assert.equal("amount", spec.encoding.y.field)
      assert.equal(agg, spec.encoding.y.aggregate)
      assert.equal(1, #r.notes)
    end
  end)

  it("reads a request with a reason as the request alone", function()
    local df = frame_with("segment", { "Alpha", "Beta", "Gamma" })
    local REQUESTS = { "drop alpha", "only beta and gamma", "make it a line chart", "sort descending", "horizontal" }
    local REASONS = { ", it double counts", ", they have fewer years", " because it skews the average",
      ", that's what my boss wants", ", it is too noisy to read" }
    local bars = { type = "bar", encoding = { x = { field = "segment", type = "nominal" },
      y = { field = "amount", type = "quantitative", aggregate = "sum" } } }
    for _, req in ipairs(REQUESTS) do
      local alone = read(req, bars, df)
      for _, why in ipairs(REASONS) do
        local with = read(req .. why, bars, df)
        assert.same(alone, with, req .. why)
      end
    end
  end)

  it("leaves out zeros of the measure or of the column named, and brings back the rest", function()
    for _ = 1, 10 do
      local measure, other = word(2), word(3)
      local lines = { "group," .. measure .. "," .. other }
      for i = 1, 8 do lines[#lines + 1] = ("g%d,%d,%d"):format(i, i % 3 == 0 and 0 or i, i % 2 == 0 and 0 or 5) end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local bars = { type = "bar", encoding = { x = { field = "group", type = "nominal" },
        y = { field = measure, type = "quantitative" } } }
      local spec = read(pick { "drop the zeros", "non-zero only", "leave out the zero values", "exclude zeros" }, bars, df)
      assert.same({ ["not"] = { field = measure, equal = 0 } }, the_filter(spec))
      spec = read(("exclude rows with zero %s"):format(other), bars, df)
      assert.same({ ["not"] = { field = other, equal = 0 } }, the_filter(spec))
      -- "top 0" is not a zero filter
      assert.is_nil(followup.interpret("top 10", bars, df).spec.transform[1].filter)
    end
    for _ = 1, 5 do
      local name = word(2)
      local df = frame_with(name, { "Pa", "Qu" })
      local kept = read("only pa", line_of(), df)
      local spec = read(pick { "show both %ss side by side", "all %ss", "every %s please" }:format(name), kept, df)
      assert.is_nil(spec.transform)
      assert.equal(name, spec.encoding.color.field)
    end
    local df = frame_with("fuel", { "Coal", "Gas", "Wind" })
    local kept = read("only coal", line_of("fuel"), df)
    for _, p in ipairs { "add the others too", "bring back the rest", "show the remaining ones again" } do
      assert.is_nil(read(p, kept, df).transform, p)
    end
  end)

  it("keeps or drops the none-like category of a column named after 'no'", function()
    for _ = 1, 10 do
      local noun = word(2)
      local none = pick { "None", "No", "none" }
      local df = frame_with(noun .. " level", { none, "Minor", "Severe" })
      local keep = read(("only the ones with no %s"):format(noun), line_of(), df)
      assert.same({ field = noun .. " level", oneOf = { none } }, the_filter(keep))
      local drop = read(pick { "leave out the ones with no %s", "exclude rows without %s" }:format(noun), line_of(), df)
      assert.same({ ["not"] = { field = noun .. " level", oneOf = { none } } }, the_filter(drop))
    end
  end)

  it("keeps the planner's title in step with an edit, and the user's title as written", function()
    local offline = require "planner.offline"
    local df = frame_with("segment", { "A", "B" })
    local bars = { type = "bar", encoding = { x = { field = "segment", type = "nominal" },
      y = { field = "amount", type = "quantitative", aggregate = "sum" } } }
    bars.title = offline.title_of(bars)
    local spec = read("average instead", bars, df)
    assert.equal(offline.title_of(spec), spec.title)
    assert.are_not.equal(bars.title, spec.title)
    local mine = read("title: My chart", bars, df)
    assert.equal("My chart", read("average instead", mine, df).title)
  end)

  it("reads 'actually by X' after a colour split as a corrected split", function()
    local df = assert(frame.from_data("site,kind,phase,n\na,x,p,1\nb,y,q,2\na,y,p,3\n"))
    local bars = { type = "bar", encoding = { x = { field = "site", type = "nominal" },
      y = { aggregate = "count", type = "quantitative" }, color = { field = "kind", type = "nominal" } } }
    for _, p in ipairs { "actually by phase", "no, by phase", "wait, by phase", "sorry, I meant by phase" } do
      local spec = read(p, bars, df)
      assert.equal("site", spec.encoding.x.field, p)
      assert.equal("phase", spec.encoding.color.field, p)
    end
  end)

  it("reads a colour after 'colour' as a colour, not as the data's one column of categories", function()
    for _ = 1, 5 do
      local name = word(2)
      local df = frame_with(name, { "P", "Q" })
      local bars = { type = "bar", encoding = { x = { field = "date", type = "temporal", timeUnit = "month" },
        y = { aggregate = "count", type = "quantitative" } } }
      local hue = pick { "grey", "red", "navy", "orange" }
      local spec = read(pick { "colour them all the same %s", "colour it %s", "colour the bars %s" }:format(hue), bars, df)
      assert.is_nil(spec.encoding.color)
      assert.is_string(spec.config.mark.color)
      -- on a chart split by colour, "all the same" gives the split up
      bars.encoding.color = { field = name, type = "nominal" }
      spec = read(("make them all the same %s"):format(hue), bars, df)
      assert.is_nil(spec.encoding.color)
      assert.is_string(spec.config.mark.color)
    end
  end)

  it("keeps the groups whose drawn count passes a threshold", function()
    local pipeline = require "pipeline"
    for _ = 1, 8 do
      -- groups with known sizes
      local lines, size = { "team,points" }, {}
      for g = 1, 8 do
        local name = "T" .. g
        size[name] = rand(12)
        for _ = 1, size[name] do lines[#lines + 1] = name .. "," .. rand(30) end
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local function drawn(spec)
        spec.data = df
        local out = assert(pipeline.render(spec, {}))
        local got = {}
        for _, row in ipairs(out.data_summary.rows) do got[#got + 1] = row[1] end
        table.sort(got)
        return got
      end
      local function expect(tbl, keep)
        local out = {}
        for name, v in pairs(tbl) do if keep(v) then out[#out + 1] = name end end
        table.sort(out)
        return out
      end
      local n = rand(8)
      local counts = { type = "bar", encoding = { x = { field = "team", type = "nominal" },
        y = { aggregate = "count", type = "quantitative" } } }
      local spec = read(pick { "only teams with more than %d games", "more than %d", "teams with over %d rows" }:format(n),
        counts, df)
      local want = expect(size, function(v) return v > n end)
      if #want > 0 then assert.same(want, drawn(spec)) end
      spec = read(("at least %d"):format(n), counts, df)
      want = expect(size, function(v) return v >= n end)
      if #want > 0 then assert.same(want, drawn(spec)) end
    end
  end)

  it("puts the chart's numbers on a log scale whichever axis is named", function()
    local df = frame_with("segment", { "A", "B" })
    for _, axis in ipairs { "y", "x" } do
      local cats = axis == "y" and "y" or "x"
      local nums = cats == "y" and "x" or "y"
      local bars = { type = "bar", encoding = { [cats] = { field = "segment", type = "nominal" },
        [nums] = { field = "amount", type = "quantitative", aggregate = "sum" } } }
      for _, p in ipairs { "log scale on %s", "log %s", "make %s logarithmic" } do
        local spec = read(p:format(axis), bars, df)
        assert.equal("log", spec.encoding[nums].scale.type, p:format(axis))
        assert.is_nil(spec.encoding[cats].scale)
      end
    end
  end)

  it("sets the font family and a palette by its mood", function()
    local df = frame_with("segment", { "A", "B" })
    for p, family in pairs { ["change the font to serif"] = "serif", ["use a monospace font"] = "monospace",
        ["font: Georgia"] = "Georgia", ["use the Helvetica font"] = "Helvetica", ["sans serif font please"] = "sans-serif" } do
      assert.equal(family, read(p, line_of("segment"), df).config.font, p)
    end
    for p, scheme in pairs { ["darker colours"] = "dark2", ["softer colors please"] = "pastel1",
        ["brighter palette"] = "category10" } do
      assert.equal(scheme, read(p, line_of("segment"), df).encoding.color.scale.scheme, p)
    end
  end)
  it("reads one word that turns the drawn column's name into another column's as that column", function()
    local ADJ = { "adjusted", "smoothed", "projected", "revised", "normalized", "estimated" }
    for _ = 1, 20 do
      local base, adj = word(2), ADJ[rand(#ADJ)]
      local variant = adj .. " " .. base
      local lines = { "date," .. base .. "," .. variant .. ",region" }
      for m = 1, 12 do lines[#lines + 1] = ("2023-%02d-01,%d,%d,%s"):format(m, 10 * m, 11 * m, m % 2 == 0 and "a" or "b") end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local chart = { type = "line", encoding = { x = { field = "date", type = "temporal" },
        y = { field = base, type = "quantitative", aggregate = "mean" } } }
      local p = pick { "use the %s numbers instead", "show the %s values", "switch to %s", "%s figures please",
        "the %s one instead" }:format(adj)
      assert.equal(variant, read(p, chart, df).encoding.y.field, p)
      -- a word that no column adds to the drawn one stays a word ("use the other numbers")
      local r = followup.interpret("use the other numbers instead", chart, df)
      assert.is_true(r.kind ~= "edit" or r.spec.encoding.y.field == base)
    end
  end)
  it("widens a chart kept to one value to the others, compared, keeping its other filters", function()
    for _ = 1, 20 do
      local col = pick { "brand", "store", "team", "city", "fund" }
      local values = { title_case(word(2)), title_case(word(3)), title_case(word(2)) }
      local df = frame_with(col, values, 3)
      local kept = line_of()
      kept.transform = { { filter = { field = col, oneOf = { values[rand(3)] } } },
        { filter = { field = "date", timeUnit = "year", gte = 2023 } } }
      local p = pick { "add the others too", "bring back the rest", "show all of them", "both of them please",
        "show all the " .. col .. "s", "actually all the " .. word(2) .. "s", "show the remaining ones as well" }
      local spec = read(p, kept, df)
      assert.equal(col, spec.encoding.color and spec.encoding.color.field, p)
      assert.equal(1, #spec.transform, p)
      assert.equal("date", spec.transform[1].filter.field, p)
    end
    -- a histogram compares the distributions in panels
    local df = frame_with("site", { "North", "South" }, 3)
    local hist = { type = "histogram", encoding = { x = { field = "amount", type = "quantitative", bin = true },
      y = { aggregate = "count", type = "quantitative" } }, transform = { { filter = { field = "site", oneOf = { "North" } } } } }
    local spec = read("show both " .. word(2) .. "s side by side", hist, df)
    assert.equal("site", spec.encoding.column and spec.encoding.column.field)
    assert.is_nil(spec.transform)
    -- "both axes" is not the rows
    assert.equal(1, #read("log scale on both axes", kept_any(df), df).transform)
  end)

  it("reads a split into separate panels however far the panel word is", function()
    local df = frame_with("depot", { "A", "B", "C" }, 2)
    for _ = 1, 10 do
      local p = pick { "split it into a separate panel for every depot", "break it out into separate charts per depot",
        "split this up into one small multiple per depot", "divide it into individual plots for each depot" }
      local spec = read(p, line_of(), df)
      assert.equal("depot", spec.encoding.column and spec.encoding.column.field, p)
      assert.is_nil(spec.encoding.color, p)
    end
  end)

  it("keeps the time axis when a chart over time becomes a scatter", function()
    local lines = { "date,reading,adjusted,site" }
    for m = 1, 24 do lines[#lines + 1] = ("2023-%02d-01,%d,%d,a"):format((m - 1) % 12 + 1, m, 2 * m) end
    local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
    local chart = { type = "line", encoding = { x = { field = "date", type = "temporal", timeUnit = "yearmonth" },
      y = { field = pick { "reading", "adjusted" }, type = "quantitative", aggregate = "mean" } } }
    for _, p in ipairs { "scatter", "as points instead", "make it a scatter plot" } do
      local spec = read(p, chart, df)
      assert.equal("scatter", spec.type, p)
      assert.equal("date", spec.encoding.x.field, p)
      assert.equal(chart.encoding.y.field, spec.encoding.y.field, p)
    end
  end)

  it("stacks by the filtered column, not by the column on the axis", function()
    local df = frame_with("region", { "East", "West", "North" }, 2)
    local bars = { type = "bar", encoding = { x = { field = "region", type = "nominal" },
      y = { field = "amount", type = "quantitative", aggregate = "sum" } },
      transform = { { filter = { field = "region", oneOf = { "East", "West" } } } } }
    local r = followup.interpret("stacked", bars, df)
    assert.is_true(r.kind ~= "edit" or r.spec.encoding.color == nil or r.spec.encoding.color.field ~= "region")
  end)
  it("swaps one word of the drawn column's name for another column's ('the actual lows instead')", function()
    for _ = 1, 15 do
      -- columns named <kind>_<side>: record_high, normal_low, …
      local kinds, sides = { word(2), word(3), word(2) .. "x" }, { "high", "low" }
      local header, row = { "day" }, {}
      for _, k in ipairs(kinds) do for _, sd in ipairs(sides) do header[#header + 1] = k .. "_" .. sd end end
      local lines = { table.concat(header, ",") }
      for d = 1, 7 do
        row = { "d" .. d }
        for i = 2, #header do row[i] = tostring(d * i) end
        lines[#lines + 1] = table.concat(row, ",")
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local a, b = rand(3), rand(2)
      local drawn = kinds[a] .. "_" .. sides[b]
      local chart = { type = "line", encoding = { x = { field = "day", type = "nominal" },
        y = { field = drawn, type = "quantitative", aggregate = "mean" } } }
      local other = kinds[a % 3 + 1]
      local p = pick { "not %s, the %s", "switch to the %s %ss instead of the %ss", "%s instead" }
      if p == "not %s, the %s" then p = p:format(kinds[a], other)
      elseif p == "%s instead" then p = p:format(other)
      else p = p:format(other, sides[b], kinds[a]) end
      local spec = read(p, chart, df)
      assert.equal(other .. "_" .. sides[b], spec.encoding.y.field, p)
      assert.equal("mean", spec.encoding.y.aggregate, p)
    end
  end)

  it("asks for a title without words: keeps the chart's own and says how to set one; politeness is no title", function()
    local df = frame_with("segment", { "A", "B" }, 3)
    for _ = 1, 10 do
      local p = pick { "add a title", "give it a title please", "add a title pls", "could you put a title on it?",
        "include a title, thanks" }
      local spec, r = read(p, line_of(), df)
      assert.is_string(spec.title, p)
      assert.is_true(#spec.title > 3 and not spec.title:lower():find("please") and not spec.title:find("thank"), p)
      assert.is_true(#r.notes > 0, p)
    end
    -- a real title is still taken as written
    assert.equal("Sales " .. "mix", read("title: Sales mix please", line_of(), df).title)
  end)

  it("does not read a long word two letters away from a command as that command", function()
    local lines = { "longitude,latitude,speed" }
    for i = 1, 20 do lines[#lines + 1] = ("%d,%d,%d"):format(i - 10, i, i * 2) end
    local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
    local chart = { type = "scatter", encoding = { x = { field = "longitude", type = "quantitative" },
      y = { field = "latitude", type = "quantitative" } } }
    local r = followup.interpret("only west of the prime meridian", chart, df)
    assert.is_true(r.kind ~= "edit" or r.spec.type == "scatter" and not r.spec.encoding.y.aggregate)
  end)

  it("reads follow-ups on a chart without data (invented data) without a profile of columns", function()
    local chart = { type = "line", encoding = { x = { field = "quarter", type = "ordinal" },
      y = { field = "revenue_high", type = "quantitative", aggregate = "sum" }, color = { field = "region", type = "nominal" } } }
    for _, p in ipairs { "the low ones instead", "not high, the low", "revenue 2023-2024 as bars", "prices 50-100",
        "add a title", "both regions", "add the others too", "stacked" } do
      local ok, r = pcall(followup.interpret, p, chart, nil, { synthetic = true })
      assert.is_true(ok, p .. ": " .. tostring(r))
    end
  end)

  it("groups the chart's dates by a part of a cycle, in Vega-Lite's unit", function()
    local df = frame_with("segment", { "A", "B" }, 6)
    for p, unit in pairs { ["by hour of the day"] = "hours", ["per weekday instead"] = "day",
        ["by day of week"] = "day", ["show it by month of the year"] = "month", ["by month"] = "yearmonth" } do
      assert.equal(unit, read(p, line_of(), df).encoding.x.timeUnit, p)
    end
    -- a date column called "time": "time of day" is still the phrase
    local lines = { "time,amount" }
    for d = 1, 30 do lines[#lines + 1] = ("2024-01-%02d %02d:00,%d"):format(d, d % 24, d) end
    local timed = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
    local over_time = { type = "line", encoding = { x = { field = "time", type = "temporal" },
      y = { field = "amount", type = "quantitative", aggregate = "sum" } } }
    assert.equal("hours", read("by time of day", over_time, timed).encoding.x.timeUnit)
  end)
  it("a correction names the line it goes back to ('no lines were better', 'wait no, line'); 'no dots' still hides markers", function()
    for _ = 1, 10 do
      local name = gen.word(2)
      local df = frame_with(name, { "a" .. gen.word(2), "b" .. gen.word(2) }, 3)
      local bars = line_of(name)
      bars.type = "bar"
      for _, p in ipairs { "no lines were better", "wait no, line", "hmm no, line", "no, a line was better" } do
        assert.equal("line", (read(p, bars, df)).type, p)
      end
      local spec = read(gen.pick { "no dots", "hide the points", "remove the markers" }, line_of(name), df)
      assert.equal("line", spec.type)
    end
  end)
end)
