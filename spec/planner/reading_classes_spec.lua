-- How requests are read, by class (not single sentences): each test generates its tables (names,
-- values, sizes seeded) and its phrasings, so a rule fitted to one dataset or sentence fails here.
-- Codes drawn by the labels that share their name, places named for their codes, maps, adjectives
-- of degree, things counted per time, a period that is not an axis, percentages and "N+", font
-- sizes, "not Y, X", panels brought back together, and the other readings of this file's tests.
local followup = require "planner.followup"
local lex = require "planner.lexicon"
local offline = require "planner.offline"
local validate = require "chartspec.validate"

local gen = require("seeded").new(20261206)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end
local distinct_words, csv = gen.words, require("seeded").csv

local first = require "first_read"

local edit = require "follow_read"

local function filter_on(spec, field)
  for _, step in ipairs(spec.transform or {}) do
    local f = step.filter
    if type(f) == "table" and (f.field == field or type(f["not"]) == "table" and f["not"].field == field) then
      return f
    end
  end
  return nil
end

local function sorted(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  table.sort(out)
  return out
end

-- Postal codes and their names, from the lexicon.
local STATES = {}
for name, code in pairs(lex.place_codes) do STATES[#STATES + 1] = { name = name, code = code } end
table.sort(STATES, function(a, b) return a.code < b.code end)
local function some_states(k)
  local out, seen = {}, {}
  while #out < k do
    local s = pick(STATES)
    if not seen[s.code] and not s.name:find(" of ") then seen[s.code] = true; out[#out + 1] = s end
  end
  return out
end

describe("readings by class", function()
  it("a column of codes named by the word it shares with a column of labels is drawn by the labels", function()
    for _ = 1, 15 do
      local thing, measure = word(2), word(3)
      local labels = { "AAX", "BBY", "CCZ", "DDW" }
      local rows = {}
      for _ = 1, 40 do
        local l = rand(4)
        -- two labels share the last code: labels are finer than codes
        rows[#rows + 1] = { math.min(l, 3), labels[l], rand(900) }
      end
      local code_col, label_col = title_case(thing) .. "_Code", title_case(thing) .. "_" .. title_case(word(2))
      local df = csv({ code_col, label_col, title_case(measure) }, rows)
      local spec = first(("total %s by %s"):format(measure, thing), df)
      assert.equal(label_col, spec.encoding.x.field, thing)
      -- named with its code word, the code column itself
      spec = first(("total %s by %s code"):format(measure, thing), df)
      assert.equal(code_col, spec.encoding.x.field, thing .. " code")
      local colored = edit(("colour by %s"):format(thing), { type = "bar", encoding = {
        x = { field = "Dummy", type = "nominal" }, y = { field = title_case(measure), type = "quantitative",
          aggregate = "sum" } } }, df)
      assert.equal(label_col, colored.encoding.color.field)
    end
  end)

  it("rows named by a text column, not by a column of row numbers before it; 'across' groups", function()
    for _ = 1, 15 do
      local things, measure = word(2) .. "s", word(2)
      local names = distinct_words(20, 2)
      local rows = {}
      for i, n in ipairs(names) do rows[i] = { i, ("%.3f"):format(rand(300) / 1000), n:upper() } end
      local df = csv({ "id", measure, things:sub(1, -2) }, rows)
      local spec = first(pick { "%s across %s", "%s across all %s, lowest first", "%s by %s" }:format(measure,
        things), df)
      assert.equal(things:sub(1, -2), spec.encoding.x.field)
    end
  end)

  it("US places named by their names keep the rows of the column of their codes, whatever else holds the names",
    function()
    for _ = 1, 20 do
      local picked = some_states(6)
      local measure, place_col, other_col = word(2), pick { "state", "st", word(2) }, word(3)
      local rows = {}
      for _, s in ipairs(picked) do
        for _ = 1, 3 do
          -- another column holds some of the same names as text (a county called Texas)
          rows[#rows + 1] = { s.code, title_case(pick { picked[1].name, word(2) }), rand(100) }
        end
      end
      for r = 1, #rows do rows[r][2] = rows[r][2]:gsub(" ", "-") end
      local df = csv({ place_col, other_col, measure }, rows)
      local a, b, c = picked[1], picked[2], picked[3]
      local prompt = pick { "compare the %s of %s, %s and %s", "how much %s in %s vs %s vs %s", "%s for %s, %s and %s" }
        :format(measure, a.name, b.name, c.name)
      local spec = first(prompt, df)
      local f = filter_on(spec, place_col)
      assert.is_table(f, prompt)
      assert.same(sorted { a.code, b.code, c.code }, sorted(f.oneOf), prompt)
      assert.is_nil(filter_on(spec, other_col), prompt)
      -- "add X" widens the kept places
      local more = edit(("add %s"):format(picked[4].name), spec, df)
      assert.same(sorted { a.code, b.code, c.code, picked[4].code }, sorted(filter_on(more, place_col).oneOf))
    end
  end)

  it("one word among thousands of names keeps rows only after a filter cue; 'also X' adds to the column kept",
    function()
    local common = { "Fine", "Great", "Ready", "Clear", "Nice" }
    for _ = 1, 8 do
      local names = distinct_words(420, 3)
      local w = pick(common)
      names[rand(#names)] = w
      local rows = {}
      for i, n in ipairs(names) do rows[i] = { title_case(n), rand(100), rand(100) } end
      local df = csv({ "city", "x", "y" }, rows)
      local base = { type = "scatter", encoding = { x = { field = "x", type = "quantitative" },
        y = { field = "y", type = "quantitative" }, color = { field = "city", type = "nominal" } } }
      local spec = edit(("drop the colours, one colour for all of them is %s"):format(w:lower()), base, df)
      assert.is_nil(filter_on(spec, "city"))
      assert.is_nil(spec.encoding.color)
      spec = edit(("only %s"):format(w:lower()), base, df)
      assert.same({ w }, filter_on(spec, "city").oneOf)
    end
  end)

  it("'one colour for all' drops the split; 'one colour each' keeps it", function()
    for _ = 1, 10 do
      local cat = word(2)
      local vals = distinct_words(3, 2)
      local rows = {}
      for i = 1, 12 do rows[i] = { i, vals[i % 3 + 1], rand(50) } end
      local df = csv({ "t", cat, "v" }, rows)
      local base = { type = "line", encoding = { x = { field = "t", type = "quantitative" },
        y = { field = "v", type = "quantitative" }, color = { field = cat, type = "nominal" } } }
      local one = edit(pick { "one colour for all of them", "a single colour please",
        "same colour for every line" }, base, df)
      assert.is_nil(one.encoding.color)
      -- (the chart has that already: an edit or a note, the split kept either way)
      local r = followup.interpret(pick { "one colour each", "one colour per " .. cat,
        "one colour for each " .. cat }, base, df)
      assert.is_truthy(r.kind == "edit" or r.kind == "style", r.kind)
      assert.equal(cat, r.spec.encoding.color and r.spec.encoding.color.field)
    end
  end)

  it("a map of a table with latitude and longitude is a scatter of the places, not a colour by a place word", function()
    for _ = 1, 15 do
      local lat, lon = pick { "latitude", "lat" }, pick { "longitude", "lon", "lng" }
      local rows = {}
      for i = 1, 30 do rows[i] = { title_case(word(2)) .. " place " .. i, ("%.3f"):format(30 + rand(200) / 10),
        ("%.3f"):format(-120 + rand(400) / 10), rand(9) } end
      local df = csv({ "place", lat, lon, "size" }, rows)
      local things = word(2) .. "s"
      local spec = first(pick { "map of the %s", "a map-style view of where all these %s happened",
        "show the %s on a map" }:format(things), df)
      assert.equal("scatter", spec.type)
      assert.equal(lon, spec.encoding.x.field)
      assert.equal(lat, spec.encoding.y.field)
      assert.is_nil(spec.encoding.color)
    end
  end)

  it("an adjective of degree names the quantity it measures; with 'each' its superlative is the aggregate", function()
    local QUALITY = { { col = "mag", strongest = "strongest", how = "how strong" },
      { col = "depth", strongest = "deepest", how = "how deep" },
      { col = "temperature", strongest = "hottest", how = "how hot" },
      { col = "height", strongest = "tallest", how = "how tall" } }
    for _ = 1, 12 do
      local q = pick(QUALITY)
      local rows = {}
      for d = 1, 6 do
        for h = 1, 4 do rows[#rows + 1] = { ("2024-03-%02dT%02d:00:00"):format(d, h * 3), rand(90) / 10, rand(60) } end
      end
      local other = word(2)
      local df = csv({ "time", q.col, other }, rows)
      local thing = word(2)
      local spec = first(("%s %s each day"):format(q.strongest, thing), df)
      assert.equal(q.col, spec.encoding.y.field, q.strongest)
      assert.equal("max", spec.encoding.y.aggregate)
      local base = { type = "scatter", encoding = { x = { field = "time", type = "temporal" },
        y = { field = other, type = "quantitative" } } }
      local colored = edit(("colour the points by %s they were"):format(q.how), base, df)
      assert.equal(q.col, colored.encoding.color.field)
    end
  end)

  it("things no column is named after, counted per time unit; a single period is not an axis", function()
    for _ = 1, 15 do
      local rows = {}
      for d = 1, 7 do
        for k = 1, rand(5) + 1 do rows[#rows + 1] = { ("2024-05-%02dT%02d:%02d:00"):format(d, k, rand(59)),
          rand(60) / 10 } end
      end
      local measure = word(2)
      local df = csv({ "time", measure }, rows)
      local things = word(2) .. "ers"
      local spec = first(("%s %s day"):format(things, pick { "per", "each", "a" }), df)
      assert.equal("count", spec.encoding.y.aggregate, things)
      spec = first(("%s distribution %s"):format(measure, pick { "for the week", "over the whole week",
        "this month" }), df)
      assert.equal("histogram", spec.type)
      assert.equal(measure, spec.encoding.x.field)
      local logged = edit("log scale on the counts", spec, df)
      assert.equal("log", logged.encoding.y.scale and logged.encoding.y.scale.type)
      assert.is_nil(logged.encoding.x.scale)
    end
  end)

  it("a vague chart type on one measure over time: a scatter against time, bars of the measure", function()
    for _ = 1, 10 do
      local measure = word(2)
      local rows = {}
      for y = 1, 30 do rows[y] = { 1990 + y, rand(100) / 10 } end
      local df = csv({ "year", measure }, rows)
      local spec = first(("scatter plot of the %s"):format(word(3)), df)
      assert.equal("scatter", spec.type)
      assert.same({ "year", measure }, { spec.encoding.x.field, spec.encoding.y.field })
      rows = {}
      for d = 1, 40 do rows[d] = { ("20%02d-%02d-01"):format(7 + d // 12, d % 12 + 1), rand(500) } end
      df = csv({ "date", measure }, rows)
      spec = first(("show me the %s in 2008 as a bar chart"):format(word(3)), df)
      assert.equal(measure, spec.encoding.y.field)
    end
  end)

  it("the whole period again drops the date filters, and only those", function()
    for _ = 1, 10 do
      local cat = word(2)
      local rows = {}
      for d = 1, 36 do rows[d] = { ("20%02d-%02d-01"):format(10 + d // 12, d % 12 + 1), pick { "a", "b" },
        rand(50) } end
      local df = csv({ "date", cat, "v" }, rows)
      local base = { type = "line", encoding = { x = { field = "date", type = "temporal" }, y = { field = "v",
        type = "quantitative" } },
        transform = { { filter = { field = "date", timeUnit = "year", range = { 2011, 2012 } } },
          { filter = { field = cat, oneOf = { "a" } } } } }
      local spec = edit(pick { "could we see the whole period again?", "show the entire time range",
        "full history again please" }, base, df)
      assert.is_nil(filter_on(spec, "date"))
      assert.is_table(filter_on(spec, cat))
    end
  end)

  it("font sizes: larger or smaller, for the labels, the title, the legend, or a size given", function()
    local df = csv({ "k", "v" }, { { "a", 1 }, { "b", 2 } })
    local base = { type = "bar", encoding = { x = { field = "k", type = "nominal" }, y = { field = "v",
      type = "quantitative" } } }
    for _ = 1, 10 do
      local spec = edit(pick { "a larger font for the labels", "bigger text on the labels please",
        "make the label font bigger" }, base, df)
      assert.is_true(spec.config.axis.labelFontSize > 11)
      assert.is_nil(spec.config.title)
      local n = 12 + rand(10)
      spec = edit(("font size %d for the title"):format(n), base, df)
      assert.equal(n, spec.config.title.fontSize)
      spec = edit(pick { "smaller text", "make the font smaller" }, base, df)
      assert.is_true(spec.config.axis.labelFontSize < 11 and spec.config.title.fontSize < 18)
      spec.data = df
      assert.is_truthy(validate.spec(spec))
    end
  end)

  it("'N+' is at least N, 'N%' on a column of fractions is N/100, and a band written 'N+' is a value", function()
    for _ = 1, 10 do
      local m, share, band = table.unpack(distinct_words(3, 2))
      local rows = {}
      for i = 1, 30 do rows[i] = { i, rand(90) / 10, ("%.3f"):format(rand(400) / 1000), pick { "25-34", "35-54",
        "75+" } } end
      local df = csv({ "t", m, share, band }, rows)
      local base = { type = "line", encoding = { x = { field = "t", type = "quantitative" },
        y = { field = share, type = "quantitative" } } }
      local n = rand(6)
      local spec = edit(("only %s %d+"):format(m, n), base, df)
      assert.same({ field = m, gte = n }, filter_on(spec, m))
      local p = 10 + rand(20)
      spec = edit(("only %s above %d%%"):format(share, p), base, df)
      assert.near(p / 100, filter_on(spec, share).gt, 1e-9)
      spec = edit("only the 75+ group", base, df)
      assert.same({ "75+" }, filter_on(spec, band).oneOf)
    end
  end)

  it("'add it back' / 'put the X back' after a removal goes back a step", function()
    local df = csv({ "k", "c", "v" }, { { "a", "x", 1 }, { "b", "y", 2 } })
    local base = { type = "bar", encoding = { x = { field = "k", type = "nominal" }, y = { field = "v",
      type = "quantitative" } } }
    for _, p in ipairs { "add it back", "put the colours back", "bring them back", "add the colour back please" } do
      local r = followup.interpret(p, base, df)
      assert.equal("undo", r.kind, p)
    end
  end)

  it("a histogram turned into a bar per named row draws the binned measure per row", function()
    for _ = 1, 10 do
      local things, measure = word(2), word(2)
      local rows = {}
      for i = 1, 25 do rows[i] = { i, ("%.2f"):format(rand(100) / 10), things:upper() .. i } end
      local df = csv({ "id", measure, things }, rows)
      local hist = first(("hist of %s"):format(measure), df)
      local spec = edit(("no, make it a bar per %s instead"):format(things), hist, df)
      assert.equal("bar", spec.type)
      assert.equal(things, spec.encoding.x.field)
      assert.equal(measure, spec.encoding.y.field)
    end
  end)

  it("'top N X by Y' over whole numbers ranks by Y, added up when the word said counts things", function()
    for _ = 1, 12 do
      local side = word(2)
      local teams = distinct_words(12, 2)
      local rows = {}
      for i = 1, 120 do rows[i] = { title_case(teams[rand(12)]), rand(6) - 1 } end
      local df = csv({ side .. "_team", side .. "_score" }, rows)
      local spec = first(("top %d teams by %s goals"):format(3 + rand(5), side), df)
      assert.equal(side .. "_team", spec.encoding.x.field)
      assert.equal(side .. "_score", spec.encoding.y.field)
      assert.equal("sum", spec.encoding.y.aggregate)
    end
  end)

  it("of columns a word names equally, the one whose other word is said; 'not Y, X' puts X in Y's place", function()
    local PAIRS = { { "Beginning", "Ending", "at the end" }, { "Opening", "Closing", "at closing time" },
      { "Initial", "Final", "at the final stage" } }
    for _ = 1, 12 do
      local pair, w, a, b = pick(PAIRS), word(2), word(3), word(2)
      local rows = {}
      for i = 1, 20 do rows[i] = { rand(100), rand(100), rand(100), rand(100) } end
      local first_col, second_col = pair[1] .. "_" .. title_case(w), pair[2] .. "_" .. title_case(w)
      local df = csv({ a, b, first_col, second_col }, rows)
      local base = { type = "scatter", encoding = { x = { field = a, type = "quantitative" }, y = { field = b,
        type = "quantitative" } } }
      local spec = edit(("no, not the %s, the %s they had %s"):format(b, w, pair[3]), base, df)
      assert.equal(a, spec.encoding.x.field)
      assert.equal(second_col, spec.encoding.y.field)
    end
  end)

  it("a split said with panels later in the sentence is panels; 'a single chart' brings them back as colours",
    function()
    for _ = 1, 10 do
      local cat = word(2)
      local rows = {}
      for i = 1, 30 do rows[i] = { rand(5), pick { "p", "q", "r" } } end
      local df = csv({ "score", cat }, rows)
      local base = { type = "bar", encoding = { x = { field = "score", type = "quantitative" },
        y = { aggregate = "count", type = "quantitative" } } }
      local spec = edit(("could you split it by %s with a separate panel for each?"):format(cat), base, df)
      assert.equal(cat, spec.encoding.column and spec.encoding.column.field)
      assert.is_nil(spec.encoding.color)
      local back = edit(pick { "actually, a single chart with colours would be easier to read",
        "one chart please, coloured" }, spec, df)
      assert.is_nil(back.encoding.column)
      assert.equal(cat, back.encoding.color.field)
    end
  end)

  it("a column named just before the value kept is part of the filter, not a new split", function()
    for _ = 1, 10 do
      local col = word(2)
      local codes = { "ak", "nc", "ci", "hv" }
      local rows = {}
      for i = 1, 20 do rows[i] = { rand(100), rand(100), codes[i % 4 + 1], rand(9) } end
      local df = csv({ "x", "y", col, "m" }, rows)
      local base = { type = "scatter", encoding = { x = { field = "x", type = "quantitative" },
        y = { field = "y", type = "quantitative" },
        color = { field = "m", type = "quantitative" } } }
      local code = pick(codes)
      local spec = edit(("could we keep only the ones from the %s %s, %s?"):format(title_case(word(2)), col,
        code), base, df)
      assert.same({ code }, filter_on(spec, col).oneOf)
      assert.equal("m", spec.encoding.color.field)
    end
  end)

  it("'N+' and 'N-M' that name a band another column holds, or no column at all, are not ranges", function()
    for _ = 1, 10 do
      local m, band, grp = table.unpack(distinct_words(3, 2))
      local rows = {}
      local bands = { "1960-64", "1965-69", "1970-74", "200000+" }
      for i = 1, 24 do rows[i] = { "n" .. i, bands[i % 4 + 1], rand(100) / 10, pick { "a", "b" } } end
      local df = csv({ "name", band, m, grp }, rows)
      local base = { type = "bar", encoding = { x = { field = "name", type = "nominal" }, y = { field = m,
        type = "quantitative", aggregate = "mean" } } }
      local spec = edit(("only %s 1970-74"):format(band), base, df)
      assert.is_table(filter_on(spec, band), band)
      assert.same({ "1970-74" }, filter_on(spec, band).oneOf)
      assert.is_nil(filter_on(spec, m))
      spec = first(("%s of the ones earning 200k+ by name"):format(m), df)
      assert.is_nil(filter_on(spec, m))
      -- "<column> <value>" keeps rows; it is not a split too
      local prompt = ("%s %s 1965-69: %s by name"):format(pick { "ships", "units", "items" }, band, m)
      spec = first(prompt, df)
      assert.is_table(filter_on(spec, band), prompt)
      assert.same({ "1965-69" }, filter_on(spec, band).oneOf)
      assert.is_nil(spec.encoding.color, prompt)
    end
  end)

  it("a value among hundreds after 'from', 'to', 'of' keeps rows", function()
    for _ = 1, 8 do
      local codes = {}
      for i = 1, 320 do codes[i] = word(2):upper() end
      local rows = {}
      for i = 1, 320 do rows[i] = { codes[i], codes[(i * 7) % 320 + 1], rand(90) } end
      local df = csv({ "origin", "destination", "count" }, rows)
      local a, b = codes[rand(320)], codes[rand(320)]
      local spec = first(("flights from %s and %s to each destination"):format(a:lower(), b:lower()), df)
      local f = filter_on(spec, "origin")
      assert.is_table(f)
      assert.same(sorted { a, b }, sorted(f.oneOf))
    end
  end)

  it("colouring by the column on x keeps one type for it; a number column named with its value is a filter", function()
    for _ = 1, 8 do
      local thing, size = word(2), word(2) .. "_mm"
      local age = "age"
      local rows = {}
      for t = 1, 5 do for a = 1, 4 do rows[#rows + 1] = { t, a * 100, rand(200) } end end
      local df = csv({ title_case(thing), age .. "_days", size }, rows)
      local spec = first(("bar chart of %s per %s at %s 300 days"):format(size, thing, age), df)
      assert.same({ 300 }, filter_on(spec, age .. "_days").oneOf)
      assert.is_nil(spec.encoding.color)
      -- bars over whole numbers drawn as numbers (as Vega-Lite specs may have them)
      local bars = { type = "bar", encoding = { x = { field = title_case(thing), type = "quantitative" },
        y = { field = size, type = "quantitative", aggregate = "mean" } } }
      local colored = edit(("colour each %s differently"):format(thing), bars, df)
      assert.equal(title_case(thing), colored.encoding.color.field)
      colored.data = df
      assert.is_truthy(validate.spec(colored))
    end
  end)

  it("'over 5 million' on a column kept in thousands compares with 5000, and says so", function()
    for _ = 1, 8 do
      local pop, m = word(2), word(2)
      local rows = {}
      for i = 1, 20 do rows[i] = { "s" .. i, 300 + rand(20000), rand(100) } end
      local df = csv({ "name", title_case(pop), m }, rows)
      local base = { type = "bar", encoding = { x = { field = "name", type = "nominal" }, y = { field = m,
        type = "quantitative" } } }
      local n = 1 + rand(9)
      local spec, r = edit(("only %s over %d million"):format(pop, n), base, df)
      assert.equal(n * 1000, filter_on(spec, title_case(pop)).gt)
      assert.truthy(table.concat(r.notes, " "):find("thousands", 1, true))
    end
  end)

  it("value labels said where they go: 'the value on top of each bar', 'the numbers in the cells'", function()
    local df = csv({ "k", "v" }, { { "a", 1 }, { "b", 2 } })
    local base = { type = "bar", encoding = { x = { field = "k", type = "nominal" }, y = { field = "v",
      type = "quantitative" } } }
    for _ = 1, 10 do
      local p = pick { "add the value on top of each bar", "add the numbers in the cells", "put the values in the bars",
        "show the amounts above the bars", "add the figures on the bars please" }
      local spec = edit(p, base, df)
      assert.is_true(spec.options and spec.options.labels, p)
    end
  end)

  it("'show both X' after keeping one of them splits the bars by X", function()
    for _ = 1, 8 do
      local cat, split = word(2), word(2)
      local rows = {}
      for i = 1, 12 do rows[i] = { pick { "p", "q", "r" }, i % 2 == 0 and "Yes" or "No", rand(30) } end
      local df = csv({ cat, split, "n" }, rows)
      local base = { type = "bar", encoding = { x = { field = cat, type = "nominal" }, y = { field = "n",
        type = "quantitative", aggregate = "sum" } },
        transform = { { filter = { field = split, oneOf = { "Yes" } } } } }
      local spec = edit(("actually show both %ss"):format(split), base, df)
      assert.is_nil(filter_on(spec, split))
      assert.equal(split, spec.encoding.color.field)
    end
  end)

  it("a verb before its object is not a column of that name; a loose noun after a kept value names the rows", function()
    for _ = 1, 8 do
      local verb = pick { "Make", "Type", "Order", "Group" }
      local rows = {}
      for i = 1, 20 do rows[i] = { "m" .. i % 5, i % 2 == 0 and "USA" or "non-USA", i % 4 + 3, rand(100) } end
      local df = csv({ verb, "Origin", "Cylinders", "Price" }, rows)
      local base = { type = "bar", encoding = { x = { field = "Cylinders", type = "nominal" },
        y = { field = "Price", type = "quantitative", aggregate = "mean" } } }
      local spec = edit(("%s it a line"):format(pick { "make", "turn", "change" }), base, df)
      assert.equal("Cylinders", spec.encoding.x.field)
      spec = edit(("%s the colours blue and orange"):format(pick { "make", "set" }), base, df)
      assert.is_nil(spec.encoding.color)
      spec = edit(("only USA %s"):format(pick { "cars", "vehicles", "autos" }), base, df)
      assert.equal("Cylinders", spec.encoding.x.field)
      assert.same({ "USA" }, filter_on(spec, "Origin").oneOf)
    end
  end)

  it("'percent within each X' on bars by X keeps the split; 'with no X' keeps the rows where the count X is 0",
    function()
    for _ = 1, 8 do
      local x, c, kids = table.unpack(distinct_words(3, 2))
      local rows = {}
      for i = 1, 24 do rows[i] = { pick { "a", "b", "c" }, pick { "m", "f" }, i % 4, rand(50) } end
      local df = csv({ x, c, kids, "n" }, rows)
      local base = { type = "bar", options = { stacked = true }, encoding = { x = { field = x, type = "nominal" },
        y = { field = "n", type = "quantitative", aggregate = "sum" }, color = { field = c, type = "nominal" } } }
      local spec = edit(("percent within each %s %s"):format(x, pick { "colour", "color" }), base, df)
      assert.equal(c, spec.encoding.color.field)
      assert.is_true(spec.options.normalize)
      local prompt = ("only the ones with no %s"):format(kids)
      spec = edit(prompt, base, df)
      assert.is_table(filter_on(spec, kids), prompt)
      assert.same({ 0 }, filter_on(spec, kids).oneOf)
      assert.equal(x, spec.encoding.x.field)
    end
  end)

  it("a name word clipped ('unemp') or written as consonants ('yrs') is named by the word in full", function()
    for _, full in ipairs { { "unemployment", "unemp" }, { "consumption", "consum" }, { "inflation", "infl" } } do
      for _, short in ipairs { { "years", "yrs" }, { "percent", "pct" }, { "quantity", "qty" }, { "amount", "amt" } } do
        local tail = word(2)
        local a, b = full[2], short[2] .. "_" .. tail
        local rows = {}
        for i = 1, 30 do rows[i] = { rand(100) / 10, rand(40), rand(500) } end
        local df = csv({ a, b, "other" }, rows)
        local prompt = ("%s vs %s %s"):format(full[1], short[1], tail)
        local spec = first(prompt, df)
        assert.equal("scatter", spec.type, prompt)
        assert.same(sorted { a, b }, sorted { spec.encoding.x.field, spec.encoding.y.field }, prompt)
      end
    end
  end)

  it("a first turn asking for panels draws them: the split as panels, a long table's series as lines", function()
    for _ = 1, 10 do
      local series, cat = word(2), word(2)
      local names = distinct_words(4, 2)
      local rows = {}
      for d = 1, 12 do
        for _, n in ipairs(names) do rows[#rows + 1] = { ("2020-%02d-01"):format(d), n, rand(500), pick { "x",
          "y" } } end
      end
      local df = csv({ "date", series, "value", cat }, rows)
      local spec = first(("show me the %ss side by side, %s"):format(series, pick { "small multiples", "one chart each",
        "as panels" }), df)
      assert.equal("line", spec.type)
      assert.equal(series, spec.encoding.column and spec.encoding.column.field)
      assert.equal("date", spec.encoding.x.field)
      spec = first(("total value by %s, %s by %s"):format(cat, pick { "small multiples", "a panel" }, series), df)
      assert.equal(series, spec.encoding.column and spec.encoding.column.field)
      assert.is_nil(spec.encoding.color)
    end
  end)

  it("a year said again moves the year a dated column off the chart is kept to ('same but for 2005')", function()
    for _ = 1, 8 do
      local names = distinct_words(2, 2)
      local made, about = names[1] .. "Year", names[2] .. "Year"
      local rows = {}
      for b = 1990, 2010, 5 do for f = b, b + 8 do rows[#rows + 1] = { b, f, rand(900) } end end
      local df = csv({ made, about, "value" }, rows)
      local base = { type = "bar", encoding = { x = { field = about, type = "temporal", timeUnit = "year" },
        y = { aggregate = "count", type = "quantitative" } }, transform = { { filter = { field = made,
          equal = 1995 } } } }
      local spec = edit(pick { "same but for 2005", "now 2005", "and for 2005?" }, base, df)
      assert.equal(2005, filter_on(spec, made).equal)
      assert.is_nil(filter_on(spec, about))
    end
  end)

  it("a column named with a list of its values is still split by them ('series I and II, compare them')", function()
    for _ = 1, 8 do
      local col = word(2)
      -- (names that are also words: "I" and "II", "A" and "B")
      local vals = pick { { "I", "II", "III" }, { "A", "B", "C" } }
      local rows = {}
      for i = 1, 30 do rows[i] = { vals[i % 3 + 1], rand(20), rand(20) } end
      local df = csv({ col, "x", "y" }, rows)
      local prompt = ("plot y against x for %s %s and %s, compare them"):format(col, vals[1], vals[2])
      local spec = first(prompt, df)
      assert.equal(col, spec.encoding.color and spec.encoding.color.field, prompt)
    end
  end)

  it("a column named by an acronym is named by its words spelled out, all or all but an inner one", function()
    for _ = 1, 15 do
      local w = distinct_words(4, 2)
      local prefix = word(2)
      local acronym = w[1]:sub(1, 1) .. w[2]:sub(1, 1) .. w[3]:sub(1, 1)
      local other = word(3)
      -- (made-up words can share first letters: a table whose two names read alike is another case)
      if acronym ~= other:sub(1, 3) then
        local rows = {}
        for y = 2001, 2020 do rows[#rows + 1] = { y, rand(900), rand(900), rand(900) } end
        -- (the acronyms' columns last, so no default measure reads them by chance)
        local df = csv({ "year", other, prefix .. acronym, acronym }, rows)
        local said = ("%s %s %s"):format(w[1], w[2], w[3])
        local spec = first(said .. " over time", df)
        assert.equal(acronym, spec.encoding.y.field, said)
        spec = first(("%s %s over time"):format(prefix, said), df)
        assert.equal(prefix .. acronym, spec.encoding.y.field, prefix .. " " .. said)
        -- the inner word left out ("real disposable income" for realdpi)
        spec = first(("%s %s %s by year"):format(prefix, w[1], w[3]), df)
        assert.equal(prefix .. acronym, spec.encoding.y.field, prefix .. " " .. w[1] .. " " .. w[3])
        -- other words with those initials in another order name nothing of it
        local reversed = w[3]:sub(1, 1) .. w[2]:sub(1, 1) .. w[1]:sub(1, 1)
        if reversed ~= acronym then
          local said_back = ("%s %s %s"):format(w[3], w[2], w[1])
          for _, m in ipairs(offline.mentions(offline.tokenize(said_back), require("planner.profile").profile(df))) do
            assert.is_falsy(m.col.name:find(acronym, 1, true), said_back .. " → " .. m.col.name)
          end
        end
      end
    end
  end)

  it("a kind word after a column named says what its values are ('construction year band'), no other column", function()
    for _ = 1, 10 do
      local names = distinct_words(3, 2)
      local rows = {}
      for i = 1, 40 do rows[i] = { pick { "A", "B", "C", "D" }, pick { "1960-64", "1965-69", "1970-74" }, rand(90) } end
      local df = csv({ "type", names[1], names[2] }, rows)
      local kind = pick { "band", "group", "bracket", "tier", "class" }
      local prompt = ("%s %s per %s %s%s"):format(pick { "total", "sum of" }, names[2], names[1],
        pick { "", "year " }, kind)
      local spec = first(prompt, df)
      assert.equal(names[1], spec.encoding.x.field, prompt)
      assert.is_nil(spec.encoding.color, prompt)
      -- said alone, the kind word still names the column of kinds
      spec = first(("%s by %s"):format(names[2], kind == "class" and "type" or "category"), df)
      assert.equal("type", spec.encoding.x.field)
    end
  end)

  it("a column placed on the marks is a label note, not a colour ('show state names on the points')", function()
    for _ = 1, 10 do
      local names = distinct_words(4, 2)
      local rows = {}
      for i = 1, 30 do rows[i] = { names[4] .. i, pick { "N", "S", "E", "W" }, rand(90), rand(90) } end
      local df = csv({ names[1], names[2], names[3], "value" }, rows)
      local base = { type = "scatter", encoding = { x = { field = names[3], type = "quantitative" },
        y = { field = "value", type = "quantitative" } } }
      local prompt = pick { "show %s names on the points", "put the %s next to each dot", "%s labels on the dots",
        "the names of the %s on the points please", "add %s beside every point" }:format(pick { names[1], names[2] })
      local spec, r = edit(prompt, base, df, "style")
      assert.is_nil(spec.encoding.color, prompt)
      assert.truthy(table.concat(r.notes, " "):find("labelling each mark", 1, true), prompt)
    end
  end)

  it("darker or lighter colours for more or fewer of something set the ramp's direction, never a column", function()
    for _ = 1, 10 do
      local names = distinct_words(3, 2)
      local rows = {}
      for i = 1, 40 do rows[i] = { rand(9), rand(9), pick { "low", "mid", "high" } } end
      local df = csv({ names[1], names[2], names[3] }, rows)
      local base = { type = "heatmap", encoding = { x = { field = names[1], type = "ordinal" },
        y = { field = names[2], type = "ordinal" }, color = { aggregate = "count", type = "quantitative" } } }
      local people = pick { "people", "records", "cases", "rows", "of them" }
      local spec = edit(("darker %s for more %s"):format(pick { "colours", "colors", "shades" }, people), base, df,
        "style")
      assert.is_nil(spec.encoding.color.field)
      local more = pick { "more " .. people, "higher values", "bigger numbers", "the largest counts" }
      spec = edit(("%s colours for %s"):format(pick { "lighter", "paler" }, more), base, df)
      assert.is_nil(spec.encoding.color.field)
      assert.is_true(spec.encoding.color.scale.reverse)
    end
  end)

  it("points of one measure over categories are a strip of its values, asked first or as an edit", function()
    for _ = 1, 10 do
      local names = distinct_words(2, 3)
      local rows = {}
      for i = 1, 40 do rows[i] = { rand(90), pick { "A", "B", "C", "D" } } end
      local df = csv({ names[1], names[2] }, rows)
      local prompt = pick { "scatter of %s by %s", "%s per %s as points", "%s for every %s, like dots",
        "%s by %s as dots" }:format(names[1], names[2])
      local spec = first(prompt, df)
      assert.equal("strip", spec.type, prompt)
      assert.equal(names[2], spec.encoding.x.field)
      assert.is_nil(spec.encoding.y.aggregate)
      local base = { type = "bar", encoding = { x = { field = names[2], type = "nominal" },
        y = { field = names[1], type = "quantitative", aggregate = "mean" } } }
      spec = edit(pick { "as dots", "make it a scatter plot", "show it as points" }, base, df)
      assert.equal("strip", spec.type)
      assert.is_nil(spec.encoding.y.aggregate)
      spec = edit("back to bars", spec, df)
      assert.equal("mean", spec.encoding.y.aggregate)
    end
  end)

  it("a name of words run together is named by some of them, its last word first ('poverty of children')", function()
    for _ = 1, 12 do
      local w = distinct_words(4, 3)
      local lead = pick { "perc", "pct", "num" }
      -- (the second and third names end in the same word; the fourth holds it in the middle)
      local a, b, c = lead .. w[1] .. w[2], lead .. w[3] .. w[2], "pop" .. w[2] .. w[4]
      local rows = {}
      for i = 1, 30 do rows[i] = { pick { "X", "Y", "Z" }, rand(90), rand(90), rand(90), rand(90) } end
      local df = csv({ "state", c, a, b, "pop" .. "total" }, rows)
      local spec = first(("%s of %s by state"):format(w[2] .. pick { "", "s" }, w[1]), df)
      assert.equal(a, spec.encoding.y.field, w[2] .. " of " .. w[1])
      spec = first(("average %s by state"):format(w[2]), df)
      assert.is_true(spec.encoding.y.field == a or spec.encoding.y.field == b, "the head word: " .. w[2])
      spec = first(pick { "population by state", "population per state" }, df)
      assert.equal("poptotal", spec.encoding.y.field)
      -- every name said whole is that name
      spec = first(("%s vs %s"):format(a, b), df)
      assert.same(sorted { a, b }, sorted { spec.encoding.x.field, spec.encoding.y.field })
    end
  end)

  it("an abbreviated name is named by the words it clips ('birth weight' for bwt), not over a name said", function()
    for _ = 1, 12 do
      local w = distinct_words(3, 2)
      -- (a third name unlike the second: "dexsa" is a typo of a column "delsa")
      while w[3]:sub(1, 2) == w[2]:sub(1, 2) do w[3] = word(2) end
      local abbr = w[1]:sub(1, 1) .. w[2]:sub(1, 1) .. w[2]:sub(-1)
      local rows = {}
      for i = 1, 30 do rows[i] = { pick { "A", "B", "C" }, rand(90), rand(90), rand(90) } end
      local df = csv({ "group", w[3], "other", abbr }, rows)
      local spec = first(("average %s %s by group"):format(w[1], w[2]), df)
      assert.equal(abbr, spec.encoding.y.field, w[1] .. " " .. w[2] .. " → " .. abbr)
      -- (a possessive is its noun: "baby's weight")
      spec = first(("average %s's %s by group"):format(w[1], w[2]), df)
      assert.equal(abbr, spec.encoding.y.field, w[1] .. "'s " .. w[2])
      -- a word that names a column by itself keeps it ("students exercise" is Exer, not Sex)
      spec = first(("average %s %s by group"):format(w[1], w[3]), df)
      assert.equal(w[3], spec.encoding.y.field)
    end
  end)

  it("names and requests spelt British or American meet ('colour' names color)", function()
    for _ = 1, 8 do
      local pair = pick { { "color", "colour" }, { "center", "centre" }, { "neighborhood", "neighbourhood" },
        { "flavor", "flavour" }, { "organization", "organisation" }, { "gray", "grey" } }
      local name, said = pair[1], pair[2]
      if rand(2) == 1 then name, said = said, name end
      local rows = {}
      for i = 1, 30 do rows[i] = { pick { "P", "Q", "R" }, pick { "k", "l" }, rand(90) } end
      local df = csv({ name, "kind", "price" }, rows)
      local spec = first(("median price for every %s"):format(said), df)
      assert.equal(name, spec.encoding.x.field, said)
    end
  end)

  it("things counted that a column of 0s and 1s marks add up its ones ('how many low weight babies')", function()
    for _ = 1, 8 do
      local flag, group = word(2), word(3)
      local rows = {}
      for i = 1, 40 do rows[i] = { rand(2) - 1, pick { "u", "v", "w" }, rand(900) } end
      local df = csv({ flag, group, "weight" }, rows)
      local prompt = pick { "how many %s babies for each %s?", "number of %s per %s" }:format(flag, group)
      local spec = first(prompt, df)
      assert.equal(flag, spec.encoding.y.field, prompt)
      assert.equal("sum", spec.encoding.y.aggregate)
      assert.equal(group, spec.encoding.x.field)
    end
  end)

  it("a value compared with one kept adds it and colours the two apart ('compare with district 1')", function()
    for _ = 1, 8 do
      local col, by = word(2), word(3)
      local rows = {}
      for i = 1, 40 do rows[i] = { rand(4), pick { "young", "mid", "old" }, rand(90) } end
      local df = csv({ col, by, "holders" }, rows)
      local base = { type = "bar", encoding = { x = { field = by, type = "nominal" },
        y = { field = "holders", type = "quantitative", aggregate = "sum" } },
        transform = { { filter = { field = col, oneOf = { 4 } } } } }
      local prompt = pick { "compare with %s 1", "%s 1 for comparison", "put %s 1 next to it" }:format(col)
      local spec = edit(prompt, base, df)
      assert.same({ 1, 4 }, sorted(filter_on(spec, col).oneOf), prompt)
      assert.equal(col, spec.encoding.color and spec.encoding.color.field, prompt)
    end
  end)

  it("points put on a line are its markers ('make points on the line'), named alone a scatter", function()
    local df = csv({ "day", "value" }, { { 1, 3 }, { 2, 5 }, { 3, 4 } })
    local base = { type = "line", encoding = { x = { field = "day", type = "quantitative" },
      y = { field = "value", type = "quantitative" } } }
    for _, prompt in ipairs { "make points on the line", "dots along the line please",
      "and after make points on the lines" } do
      local spec = edit(prompt, base, df)
      assert.equal("line", spec.type, prompt)
      assert.is_true(spec.options.points, prompt)
    end
    assert.equal("scatter", edit("make it points", base, df).type)
  end)

  it("a word of a name people say otherwise names it ('rural women' for Rural Female)", function()
    for _ = 1, 8 do
      local place = title_case(word(2))
      local names = { place .. " Male", place .. " Female", "Other Male", "Other Female" }
      local rows = {}
      for i = 1, 5 do rows[i] = { "g" .. i, rand(50), rand(50), rand(50), rand(50) } end
      local df = csv({ "Band", names[1], names[2], names[3], names[4] }, rows)
      local women = pick { "women", "woman", "females", "ladies" }
      local spec = first(("%s %s per band"):format(place:lower(), women), df)
      assert.equal(names[2], spec.encoding.y.field, women)
      spec = first(("%s %s per band"):format(place:lower(), pick { "men", "males" }), df)
      assert.equal(names[1], spec.encoding.y.field)
    end
  end)

  it("one row per group draws its value; moved to groups that repeat, an aggregate again", function()
    for _ = 1, 8 do
      local names = distinct_words(3, 2)
      local rows = {}
      for i = 1, 12 do rows[i] = { names[1] .. i, pick { "east", "west" }, rand(900) } end
      local df = csv({ "name", "region", names[2] }, rows)
      local spec = first(("%s by name"):format(names[2]), df)
      assert.is_nil(spec.encoding.y.aggregate)
      assert.is_falsy(spec.title:find("Total", 1, true))
      local moved = edit("by region instead", spec, df)
      assert.equal("region", moved.encoding.x.field)
      assert.is_truthy(moved.encoding.y.aggregate)
      -- an aggregate said is kept
      spec = first(("average %s by name"):format(names[2]), df)
      assert.equal("mean", spec.encoding.y.aggregate)
    end
  end)

  it("a word of aggregate said within a column's name is the name ('sleep total' is sleep_total)", function()
    for _ = 1, 8 do
      local thing = word(2)
      local agg = pick { "total", "max", "mean", "average" }
      local col = thing .. "_" .. agg
      local rows = {}
      for i = 1, 30 do rows[i] = { rand(90), pick { "a", "b" } } end
      local df = csv({ col, "kind" }, rows)
      local base = { type = "histogram", encoding = { x = { field = col, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local spec = edit(("histogram of %s %s"):format(thing, agg), base, df)
      assert.equal("count", spec.encoding.y.aggregate, thing .. " " .. agg)
      assert.equal(col, spec.encoding.x.field)
    end
  end)

  it("'how long', 'how big' ask a degree, never a value starting with that word", function()
    for _ = 1, 8 do
      local adj = pick { "long", "big", "fast", "old", "high" }
      -- (one animal's name starts with the word: "Long-nosed armadillo")
      local rows = { { title_case(adj) .. "-nosed " .. word(2), rand(20) } }
      for i = 2, 30 do rows[i] = { title_case(word(2)) .. " " .. word(2), rand(20) } end
      local df = csv({ "name", "hours" }, rows)
      local spec = first(("show me how %s the hours are"):format(adj), df)
      assert.is_nil(spec.transform, adj)
    end
  end)

  it("a complaint about stacking asks for the other way, and its words name no column", function()
    local rows = {}
    for i = 1, 30 do rows[i] = { pick { "a", "b", "c" }, pick { "p", "q" }, pick { "u", "v" }, rand(90) } end
    local df = csv({ "cut", "tone", "grade", "price" }, rows)
    local base = { type = "bar", options = { stacked = true }, encoding = { x = { field = "cut", type = "nominal" },
      y = { field = "price", type = "quantitative", aggregate = "mean" },
      color = { field = "tone", type = "nominal" } } }
    for _, prompt in ipairs { "stacked is confusing, put them side by side", "the stacking looks messy",
      "stacked is hard to read" } do
      local spec = edit(prompt, base, df)
      assert.is_falsy(spec.options and spec.options.stacked, prompt)
      assert.equal("tone", spec.encoding.color.field, prompt)
    end
  end)

  it("a word made of another and a column's name names it ('policyholders' for Holders)", function()
    for _ = 1, 8 do
      local name = title_case(word(3))
      local rows = {}
      for i = 1, 30 do rows[i] = { rand(900), rand(90), pick { "g1", "g2" }, rand(50) } end
      local df = csv({ "Age", "Claims", "Group", name }, rows)
      local said = pick { "policy", "home", "sub", "co" } .. name:lower()
      local spec = first(("claims against %s"):format(said), df)
      assert.same(sorted { name, "Claims" }, sorted { spec.encoding.x.field, spec.encoding.y.field }, said)
    end
  end)

  it("the number of things a column names, per group, counts rows ('number of counties per state')", function()
    for _ = 1, 8 do
      local thing, group = word(2), word(2)
      local rows = {}
      -- (names that repeat over the rows, each in one group)
      for i = 1, 40 do rows[i] = { thing .. (i % 15), ({ "X", "Y", "Z" })[i % 15 % 3 + 1], rand(900) } end
      local df = csv({ thing, group, "value" }, rows)
      local spec = first(("number of %ss per %s"):format(thing, group), df)
      assert.equal(group, spec.encoding.x.field)
      assert.equal("count", spec.encoding.y.aggregate)
      assert.is_nil(spec.encoding.color)
    end
  end)

  it("the legend's heading is set by what people call it ('make the legend say X')", function()
    local df = csv({ "a", "b", "v" }, { { "x", "p", 1 }, { "y", "q", 2 } })
    local base = { type = "bar", encoding = { x = { field = "a", type = "nominal" },
      y = { field = "v", type = "quantitative", aggregate = "sum" }, color = { field = "b", type = "nominal" } } }
    for _ = 1, 8 do
      local text = title_case(word(2)) .. " " .. pick { "area", "line", "bar", "top 5" }
      local prompt = pick { "make the legend say '%s'", "legend title '%s'", "call the legend %s",
        "thanks! legend title: %s" }:format(text)
      local spec = edit(prompt, base, df)
      assert.equal(text, spec.encoding.color.title, prompt)
      assert.equal("bar", spec.type)
      assert.is_nil(spec.transform)
    end
  end)

  it("a survey's column of respondents counts the people each row stands for", function()
    for _ = 1, 8 do
      local names = distinct_words(2, 2)
      -- (one row per country, answer and sex: the answers counted)
      local rows = {}
      for _, g in ipairs { "A", "B", "C", "D" } do
        for _, a in ipairs { "yes", "no", "unsure" } do
          for _, sex in ipairs { "female", "male" } do rows[#rows + 1] = { g, a, sex, rand(90) } end
        end
      end
      local df = csv({ names[1], names[2], "sex", pick { "respondents", "responses", "participants" } }, rows)
      local spec = first(("how many people per %s"):format(names[1]), df)
      assert.equal("sum", spec.encoding.y.aggregate)
    end
  end)

  it("short lower-case codes are named by their words' initials or the word they clip", function()
    for _ = 1, 8 do
      local w = distinct_words(4, 2)
      local c1, c2, c3 = w[1]:sub(1, 1) .. w[2]:sub(1, 1), w[3]:sub(1, 1) .. w[4]:sub(1, 1), w[4]:sub(1, 4)
      if c1 ~= c2 and c2 ~= c3:sub(1, 2) then
        local rows = {}
        for i = 1, 45 do rows[i] = { ({ c1, c2, c3 })[i % 3 + 1], rand(90), rand(90) } end
        local df = csv({ "type", "score", "income" }, rows)
        local spec = first(("average score for %s %s and %ss"):format(w[1], w[2], w[4] .. "ional"), df)
        assert.equal("type", spec.encoding.x.field, w[1] .. " " .. w[2])
        local base = { type = "scatter", encoding = { x = { field = "income", type = "quantitative" },
          y = { field = "score", type = "quantitative" } } }
        spec = edit(("only %sional ones"):format(w[4]), base, df)
        assert.same({ c3 }, filter_on(spec, "type").oneOf)
      end
    end
  end)

  it("values kept for separate panels split the chart into panels, not colours", function()
    local rows = {}
    for i = 1, 40 do rows[i] = { rand(18), pick { "male", "female" }, rand(90) } end
    local df = csv({ "education", "gender", "wage" }, rows)
    local base = { type = "line", encoding = { x = { field = "education", type = "quantitative" },
      y = { field = "wage", type = "quantitative", aggregate = "mean" } } }
    for _, prompt in ipairs { "separate panels for men and women", "male and female as small multiples" } do
      local spec = edit(prompt, base, df)
      assert.equal("gender", spec.encoding.column and spec.encoding.column.field, prompt)
      assert.is_nil(spec.encoding.color)
    end
  end)

  it("a column's own name is that column, not a theme or colour word ('just the white')", function()
    local df = csv({ "month", "black", "white" }, { { "1990-01", 1, 2 }, { "1990-02", 2, 3 }, { "1990-03", 3, 1 } })
    local base = { type = "line", encoding = { x = { field = "month", type = "temporal" },
      y = { field = "black", type = "quantitative" } } }
    local spec = edit(pick { "just the white", "show white instead" }, base, df)
    assert.equal("white", spec.encoding.y.field)
    assert.is_nil(spec.theme)
  end)

  it("rows named loosely after 'only' are the rows kept, no column to split by ('only polls from june')", function()
    for _ = 1, 8 do
      local thing = word(2)
      local rows = {}
      for i = 1, 40 do
        rows[i] = { ("2016-%02d-%02d"):format(rand(12), rand(28)), thing .. "ster" .. rand(3), rand(90), rand(90) }
      end
      local df = csv({ "enddate", thing .. "ster", "spread", "size" }, rows)
      local base = { type = "scatter", encoding = { x = { field = "spread", type = "quantitative" },
        y = { field = "size", type = "quantitative" } } }
      local spec = edit(("only %ss from june"):format(thing), base, df)
      assert.is_nil(spec.encoding.color, thing .. "s")
      assert.truthy(filter_on(spec, "enddate"))
    end
  end)

  it("two columns named one after the other beside 'vs' are one noun: its last word ('district income')", function()
    for _ = 1, 8 do
      local names = distinct_words(3, 2)
      local rows = {}
      for i = 1, 30 do rows[i] = { 10000 + i, rand(90), rand(900), rand(50) } end
      local df = csv({ names[1], names[2], names[3], "other" }, rows)
      local spec = first(("%s score vs %s %s"):format(names[2], names[1], names[3]), df)
      assert.same(sorted { names[2], names[3] }, sorted { spec.encoding.x.field, spec.encoding.y.field })
    end
  end)

  it("'as well' and 'too' say 'also': not a title's words, not words left unread", function()
    local df = csv({ "month", "black", "white" }, { { "1990-01", 1, 2 }, { "1990-02", 2, 3 }, { "1990-03", 3, 1 } })
    local base = { type = "line", encoding = { x = { field = "month", type = "temporal" },
      y = { field = "black", type = "quantitative" } } }
    for _ = 1, 6 do
      local title = title_case(word(2)) .. " " .. word(3)
      local spec = edit(pick { "and a title as well: %s", "a title too: %s", "title %s as well" }:format(title), base, df)
      assert.equal(title, spec.title)
    end
    -- after a colon, the title as typed
    assert.equal("As good as it gets", edit("title: As good as it gets", base, df).title)
    -- on bars, points "on the line as well" are a note, not an unread word
    local bars = { type = "bar", encoding = { x = { field = "month", type = "nominal" },
      y = { field = "black", type = "quantitative", aggregate = "sum" } } }
    local _, r = edit("could you show the points on the line as well?", bars, df, "style")
    assert.is_truthy(r.notes[1])
  end)
end)
