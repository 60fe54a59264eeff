-- How words name columns and rows, by class: "vs" between two things over a column called vs,
-- two-letter shorts (wt, hp), clips and contractions said by the user (info, govt), a name's words
-- the other way round ("change in X" for X_change), a compound ending in a name's word
-- ("airspeed"), a value run together with its column's word ("daytime"), the kind of rows after a
-- value ("chilled plants"), and place words over latitude and longitude. Names and values are
-- generated (seeded), so a rule fitted to one table fails here.
local followup = require "planner.followup"
local lex = require "planner.lexicon"
local edit = require "follow_read"
local plan_read = require "plan_read"

local gen = require("seeded").new(20261208)
local rand, pick, word = gen.rand, gen.pick, gen.word
local csv = require("seeded").csv

local function numbers(n, k)
  local rows = {}
  for i = 1, n do
    local r = {}
    for c = 1, k do r[c] = rand(1000) + i % 7 end
    rows[i] = r
  end
  return rows
end

describe("names by class", function()
  it("'vs' between two things joins them, even where a column is called vs; after 'by' it is that column", function()
    for _ = 1, 10 do
      local a, b = word(3), word(3)
      local rows = numbers(40, 2)
      for i, r in ipairs(rows) do r[3] = i % 2 end
      local df = csv({ a, b, "vs" }, rows)
      local spec = plan_read(("%s %s %s"):format(a, pick { "vs", "versus", "v" }, b), df)
      assert.equal("scatter", spec.type)
      assert.same({ a, b }, { spec.encoding.y.field, spec.encoding.x.field })
      spec = plan_read(("average %s by vs"):format(a), df)
      assert.equal("vs", spec.encoding.x.field)
    end
  end)

  it("a two-letter name is read from the word it shortens: first and last letter, or a word inside it", function()
    local cases = { { "wt", "weight" }, { "ht", "height" }, { "hp", "horsepower" }, { "bp", "bloodpressure" },
      { "dt", "distance" } }
    for _, c in ipairs(cases) do
      local other = word(3)
      local df = csv({ other, c[1], "grp" }, (function()
        local rows = numbers(30, 2)
        for i, r in ipairs(rows) do r[3] = pick { "p", "q", "r" } .. (i % 3) end
        return rows
      end)())
      local spec = plan_read(("average %s by grp"):format(c[2]), df)
      assert.equal(c[1], spec.encoding.y.field, c[2])
    end
    -- not a word that merely starts with the letter
    assert.is_false(lex.word_match("happy", "hp") > 0)
  end)

  it("a clip or a contraction said of a long name word names it (info, govt, mgmt, dept)", function()
    for _, c in ipairs { { "info", "information" }, { "govt", "government" }, { "mgmt", "management" },
        { "dept", "department" }, { "accel", "acceleration" }, { "qty", "quantity" } } do
      assert.is_true(lex.word_match(c[1], c[2]) >= 0.7, c[1])
      local other = word(3)
      local df = csv({ "period", other, c[2] }, (function()
        local rows = numbers(30, 3)
        for i, r in ipairs(rows) do r[1] = 1990 + i end
        return rows
      end)())
      local spec = plan_read(("%s by period"):format(c[1]), df)
      assert.equal(c[2], spec.encoding.y.field, c[1])
    end
    -- three letters of a word are too few to name it; the end of a word is no contraction of it
    assert.equal(0, lex.word_match("inf", "information"))
    assert.equal(0, lex.word_match("bird", "blackbird"))
  end)

  it("a name's two words said the other way round with 'of'/'in' between name it", function()
    for _ = 1, 10 do
      local thing, kind = word(2), pick { "change", "rate", "share", "growth", "count" }
      local name = thing .. "_" .. kind
      local df = csv({ "year", thing, name }, (function()
        local rows = numbers(25, 3)
        for i, r in ipairs(rows) do r[1] = 1990 + i end
        return rows
      end)())
      local spec = plan_read(("%s %s %s by year"):format(kind, pick { "of", "in" }, thing), df)
      assert.equal(name, spec.encoding.y.field)
      -- the bare word still names its own column
      assert.equal(thing, plan_read(("%s by year"):format(thing), df).encoding.y.field)
    end
  end)

  it("a compound word ending in a word only one column has names that column", function()
    for _ = 1, 10 do
      local head = pick { "speed", "pressure", "weight", "length" }
      local name = ("%s %s in %s"):format(head:gsub("^%l", string.upper), word(1):upper(), word(2))
      local df = csv({ word(3), name }, numbers(50, 2))
      local spec = plan_read(("histogram of %s%s"):format(word(2), head), df)
      assert.equal(name, spec.encoding.x.field)
    end
  end)

  it("a value run together with a word of its column's name keeps its rows; a plural noun after it names the rows",
    function()
    for _ = 1, 10 do
      local part = pick { "time", "zone", "shift", "period" }
      local values = { "Day", "Night", "Dusk" }
      local col = part:gsub("^%l", string.upper) .. " of " .. word(2)
      local rows = {}
      for i = 1, 60 do rows[i] = { values[i % 3 + 1], rand(500) } end
      local df = csv({ col, "amount" }, rows)
      local base = { type = "histogram", encoding = { x = { field = "amount", type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local v = pick(values)
      local spec = edit(("only %s%s %s"):format(v:lower(), part, word(2) .. "s"), base, df)
      local f = spec.transform[1].filter
      assert.equal(col, f.field)
      assert.same({ v }, f.oneOf)
    end
  end)

  it("on a first turn, a plural noun of a column of names after another column's value names the rows kept", function()
    for _ = 1, 10 do
      local thing, treat, m = word(2), word(2), word(3)
      local rows = {}
      for i = 1, 48 do
        rows[i] = { thing:sub(1, 1):upper() .. "n" .. (i % 6), i % 2 == 0 and "chilled" or "warm", rand(20) * 50, rand(400) }
      end
      local df = csv({ thing, treat, "dose", m }, rows)
      local spec = followup.rows(("%s by dose for chilled %ss only"):format(m, thing),
        plan_read(("%s by dose for chilled %ss only"):format(m, thing), df), df)
      assert.is_nil(spec.encoding.color, thing)
      assert.equal(treat, spec.transform[1].filter.field)
      -- named after "by", it groups
      spec = plan_read(("%s by %s for chilled %ss"):format(m, thing, thing), df)
      assert.equal(thing, spec.encoding.x.field)
    end
  end)

  it("place words ('locations', 'positions') over latitude and longitude map the rows", function()
    for _ = 1, 8 do
      local rows = {}
      for i = 1, 40 do rows[i] = { ("%.2f"):format(-40 + rand(80)), ("%.2f"):format(100 + rand(80)), rand(700), i } end
      local df = csv({ pick { "lat", "latitude" }, pick { "long", "lon", "longitude" }, word(3), "n" }, rows)
      local spec = plan_read(("%s %s"):format(word(2), pick { "locations", "positions", "coordinates" }), df)
      assert.equal("scatter", spec.type)
      assert.truthy(spec.encoding.x.field:match("^lon"))
      assert.truthy(spec.encoding.y.field:match("^lat"))
    end
    -- a column called "location" is that column
    local rows = {}
    for i = 1, 30 do rows[i] = { pick { "north", "south" }, ("%.1f"):format(rand(80)), ("%.1f"):format(rand(80)), rand(50) } end
    local spec = plan_read("average n by location", csv({ "location", "lat", "lon", "n" }, rows))
    assert.equal("location", spec.encoding.x.field)
  end)
end)

describe("more names by class", function()
  it("an adjective in -y names the column of its noun (rainy, windy, sunny, foggy)", function()
    for _, c in ipairs { { "rainy", "rain" }, { "windy", "wind" }, { "sunny", "sun" }, { "foggy", "fog" },
        { "snowy", "snow" }, { "cloudy", "cloud" } } do
      local a, b = word(3), word(3)
      local col = pick { "weather_", "is_", "" } .. c[2]
      local rows = numbers(40, 3)
      for i, r in ipairs(rows) do r[3] = i % 2 end
      local df = csv({ a, b, col }, rows)
      local base = { type = "scatter", encoding = { x = { field = a, type = "quantitative" }, y = { field = b, type = "quantitative" } } }
      local spec = edit(pick { "colour by how %s it was", "color by %s days", "split by %s or not" }:format(c[1]), base, df)
      assert.equal(col, spec.encoding.color.field, c[1])
    end
  end)

  it("two long words name a two-letter column by their initials; said 'instead', a column of levels takes x", function()
    for _ = 1, 10 do
      local w1, w2 = word(3), word(3)
      local code = w1:sub(1, 1) .. w2:sub(1, 1)
      local rows = {}
      for i = 1, 50 do rows[i] = { i % 2, rand(2) - 1, rand(4000) } end
      local df = csv({ "flag", code, "amount" }, rows)
      if code ~= "fl" then
        local base = plan_read("amount by flag", df)
        assert.equal("flag", base.encoding.x.field)
        local spec = edit(pick { "do %s %s instead", "hmm, %s %s instead", "%s %s instead please" }:format(w1, w2), base, df)
        assert.equal(code, spec.encoding.x.field, w1 .. " " .. w2)
        assert.equal("amount", spec.encoding.y.field)
      end
    end
  end)

  it("time units as people shorten them (mnth, yr, wk, qtr) are those units", function()
    for short, unit in pairs { mnth = "yearmonth", yr = "year", qtr = "yearquarter" } do
      local rows = {}
      for d = 0, 700, 3 do rows[#rows + 1] = { os.date("!%Y-%m-%d", 1262304000 + d * 86400 * 3), rand(50) } end
      local df = csv({ "date", word(3) }, rows)
      local spec = plan_read(("number of rows per %s"):format(short), df)
      assert.equal("count", spec.encoding.y.aggregate, short)
      assert.equal(unit, spec.encoding.x.timeUnit, short)
    end
  end)

  it("'where …?' over latitude and longitude maps the rows; a lat/long pair puts longitude across", function()
    for _ = 1, 8 do
      local rows = {}
      for i = 1, 40 do rows[i] = { ("%.2f"):format(30 + rand(10)), ("%.2f"):format(-120 + rand(10)), rand(700) } end
      local df = csv({ "latitude", "longitude", word(3) }, rows)
      local spec = plan_read(pick { "where are the %s", "where did the %s happen", "show me where the %s are" }
        :format(word(2) .. "s"), df)
      assert.equal("scatter", spec.type)
      assert.equal("longitude", spec.encoding.x.field)
      spec = plan_read(pick { "latitude vs longitude", "lat/long scatter", "scatter of latitude and longitude" }, df)
      assert.equal("longitude", spec.encoding.x.field)
    end
  end)
end)

describe("kinds of values and asides by class", function()
  it("a noun for a kind of values ('sizes', 'seasons', 'colours') after a grouping word names the column holding them",
    function()
    local kinds = { sizes = { "Small", "Midsize", "Large", "Compact" }, seasons = { "Spring", "Summer", "Fall", "Winter" },
      colours = { "Red", "Blue", "Green", "Black" }, directions = { "North", "South", "East", "West" } }
    for noun, values in pairs(kinds) do
      local col, measure = word(2):gsub("^%l", string.upper), word(3)
      local rows = {}
      for i = 1, 40 do rows[i] = { values[i % #values + 1], rand(300), rand(90) } end
      -- a number whose name has the noun's word must not take it ("EngineSize" for sizes)
      local decoy = "Engine" .. noun:gsub("s$", ""):gsub("^%l", string.upper)
      local df = csv({ col, measure, decoy }, rows)
      local spec = plan_read(("compare %s across %s"):format(measure, noun), df)
      assert.equal(col, spec.encoding.x.field, noun)
    end
  end)

  it("words in parentheses are an aside, unless they name a column, which they then stand for", function()
    for _ = 1, 8 do
      local names = gen.words(3, 3)
      local a, b, m = names[1], names[2], names[3]
      local rows = {}
      for i = 1, 40 do rows[i] = { pick { "x", "y", "z" } .. i % 3, pick { "p", "q", "r" } .. "v", rand(500) } end
      local df = csv({ a, b, m }, rows)
      local base = plan_read(("count by %s"):format(a), df)
      local aside = pick { "(the recorded one)", "(if that makes sense)", "(not sure)" }
      local spec = edit(("use %s %s instead of %s"):format(b, aside, a), base, df)
      assert.equal(b, spec.encoding.x.field)
      spec = edit(("use the %s %s (%s) instead of %s"):format(word(2), word(3) .. "s", b, a), base, df)
      assert.equal(b, spec.encoding.x.field)
    end
    -- a function's call is no aside: "AVG(m)" is the average of m
    for _ = 1, 5 do
      local names = gen.words(2, 3)
      local rows = {}
      for i = 1, 30 do rows[i] = { i % 4 + 3, rand(40) } end
      local df = csv({ names[1], names[2] }, rows)
      local spec = plan_read(("Plot AVG(%s) vs %s"):format(names[2], names[1]), df)
      assert.equal("mean", spec.encoding.y.aggregate)
    end
    -- a title's parentheses are its own
    local df = csv({ "k", "v" }, { { "a", 1 }, { "b", 2 }, { "a", 3 } })
    local spec = edit("title 'Sales (USD)'", plan_read("v by k", df), df)
    assert.equal("Sales (USD)", spec.title)
  end)
end)

describe("rows named by class", function()
  it("'only cars with airbags' keeps the rows whose column is not its none-like value", function()
    for _ = 1, 8 do
      local thing, col = word(2), word(3)
      local none = pick { "None", "No", "none" }
      local rows = {}
      for i = 1, 40 do rows[i] = { pick { none, "Front", "Front & Side" }, rand(300), rand(90) } end
      local df = csv({ col, "a", "b" }, rows)
      local base = { type = "scatter", encoding = { x = { field = "a", type = "quantitative" }, y = { field = "b", type = "quantitative" } } }
      local spec = edit(("only %ss with %s"):format(thing, col), base, df)
      assert.same({ none }, spec.transform[1].filter["not"].oneOf)
    end
  end)

  it("a plural noun right after a value names the rows, not a column to swap in ('only normal sales')", function()
    for _ = 1, 8 do
      local names = gen.words(2, 3)
      local rows = {}
      for i = 1, 40 do rows[i] = { pick { "Normal", "Partial" }, pick { "WD", "New" }, pick { "One", "Two" }, rand(90), rand(90) } end
      local df = csv({ names[1] .. "_Condition", names[1] .. "_Type", "Bldg_Type", "x", "y" }, rows)
      local base = { type = "scatter", encoding = { x = { field = "x", type = "quantitative" }, y = { field = "y", type = "quantitative" },
        color = { field = "Bldg_Type", type = "nominal" } } }
      local spec = edit(("only normal %ss"):format(names[1]), base, df)
      assert.equal("Bldg_Type", spec.encoding.color.field)
      assert.equal(names[1] .. "_Condition", spec.transform[1].filter.field)
    end
  end)

  it("'<measure> distribution of the <rows>' ending in a loosely read plural is a histogram of the measure", function()
    for _ = 1, 8 do
      local rows = {}
      for i = 1, 60 do rows[i] = { rand(40) + 30, rand(100), i % 2 + 1 } end
      local m = word(3)
      local df = csv({ m, "pat." .. word(2), "sex" }, rows)
      local spec = plan_read(("%s distribution of the %s"):format(m, pick { "patients", "participants", "pats" }), df)
      assert.equal("histogram", spec.type)
      assert.equal(m, spec.encoding.x.field)
    end
  end)

  it("'how many … per <whole numbers>' counts rows per value, as bars", function()
    for _ = 1, 8 do
      local rows = {}
      for i = 1, 200 do rows[i] = { rand(20), rand(100) } end
      local col = pick { "inst", "site", "ward", "unit" }
      local df = csv({ col, word(3) }, rows)
      local spec = plan_read(("how many %s per %s"):format(pick { "patients", "visits", "records", "pts" }, col), df)
      assert.equal("bar", spec.type)
      assert.equal(col, spec.encoding.x.field)
      assert.equal("count", spec.encoding.y.aggregate)
    end
  end)
end)

describe("groups compared with the rest, by class", function()
  it("'<measure> for/on <flag> vs not' compares the flag's groups along x, whatever time words are said", function()
    for _ = 1, 10 do
      local flag, m = word(3), word(3)
      local rows = {}
      for d = 0, 199 do rows[#rows + 1] = { os.date("!%Y-%m-%d", 1262304000 + d * 86400), d % 3 == 0 and 1 or 0, rand(900) } end
      local df = csv({ "date", flag, m }, rows)
      local p = pick { "avg %s on %s days vs not", "%s for %s vs not", "%s with %s or not", "mean %s, %s versus the rest" }
      local spec = plan_read(p:format(m, flag), df)
      assert.equal("bar", spec.type, p)
      assert.equal(flag, spec.encoding.x.field, p)
      assert.equal(m, spec.encoding.y.field, p)
    end
  end)
end)
