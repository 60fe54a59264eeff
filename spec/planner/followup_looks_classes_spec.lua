-- Follow-ups about looks and corrections, by class: a colour's character ("darker", "pastel",
-- "less bright") on a split chart and on a chart of one colour, an axis title that does not say
-- which axis, "connect the points", and "no, by X" correcting the panels. Columns and values are
-- generated (seeded), so a rule fitted to one chart fails here.
local style = require "planner.edits.style"
local schemes = require "layout.schemes"
local color = require "layout.color"
local edit = require "follow_read"

local gen = require("seeded").new(20261209)
local rand, pick, word = gen.rand, gen.pick, gen.word
local csv = require("seeded").csv

local function table_of(cat, measure)
  local rows = {}
  for i = 1, 40 do rows[i] = { pick { "ka", "lo", "mer", "tin" } .. cat, i % 4 + 1, rand(300), rand(300) / 7 } end
  return csv({ cat, "phase", measure, "other" }, rows)
end

local function bars(cat, measure, split)
  return { type = "bar", encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "mean" },
    color = split and { field = "phase", type = "nominal" } or nil } }
end

describe("looks by class", function()
  it("every colour scheme a follow-up can ask for is one the renderer draws", function()
    for name, scheme in pairs(style.SCHEMES) do
      assert.is_table(schemes[scheme], name)
    end
  end)

  it("a colour's character picks a scheme of that character for a split chart", function()
    local want = { darker = "dark2", ["more muted"] = "pastel2", pastel = "pastel1", paler = "pastel1",
      ["less bright"] = "pastel2", brighter = "category10", ["less dark"] = "pastel1", ["more vivid"] = "category10" }
    for _ = 1, 3 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      for mood, scheme in pairs(want) do
        local p = pick { "change the colors to something %s", "%s colours please", "make the colours %s",
          "use %s colors" }:format(mood)
        local spec = edit(p, bars(cat, measure, true), df)
        assert.equal(scheme, spec.encoding.color.scale.scheme, p)
      end
    end
  end)

  it("on a chart of one colour, the character moves that colour: darker is darker, paler is lighter", function()
    for _ = 1, 8 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      local base = bars(cat, measure, false)
      base.config = { mark = { color = pick { "#4e79a7", "#e15759", "#59a14f", "#b07aa1" } } }
      local before = color.luminance(base.config.mark.color)
      local dark = edit(pick { "make the bars darker", "darker please, the bars", "a darker colour" }, base, df)
      assert.is_true(color.luminance(dark.config.mark.color) < before)
      local light = edit(pick { "make the bars lighter", "paler colour", "make it pastel" }, base, df)
      assert.is_true(color.luminance(light.config.mark.color) > before)
      -- a named colour is that colour ("dark green" is not "darker")
      assert.equal(color.named("darkgreen"), edit("colour the bars dark green", base, df).config.mark.color)
    end
  end)

  it("an axis title not said which goes to x when it names x's column or a time, else to the measure's axis", function()
    for _ = 1, 10 do
      local names = gen.words(2, 2)
      local cat, measure = names[1], word(3)
      local df = table_of(cat, measure)
      local text = ("%s of %s"):format(pick { "thousands", "millions", "share" }, names[2])
      local spec = edit(pick { "axis label '%s'", "axis title: %s", 'axis label "%s"' }:format(text),
        bars(cat, measure, false), df)
      assert.equal(text, spec.encoding.y.title)
      spec = edit(("axis title: %s groups"):format(cat), bars(cat, measure, false), df)
      assert.equal(cat .. " groups", spec.encoding.x.title)
      -- without words for it, "rotate the axis labels" is their angle
      spec = edit("rotate the axis labels", bars(cat, measure, false), df)
      assert.is_nil(spec.encoding.y.title)
    end
  end)

  it("'connect the points' draws the points as a line", function()
    for _ = 1, 8 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      local scatter = { type = "scatter", encoding = { x = { field = "phase", type = "quantitative" },
        y = { field = measure, type = "quantitative" } } }
      local spec = edit(pick { "connect the points", "join the dots", "connect them", "join up the points" }, scatter, df)
      assert.equal("line", spec.type)
    end
  end)

  it("'no, by X' right after panels by Y corrects the panels", function()
    for _ = 1, 8 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      local base = bars(cat, measure, false)
      base.encoding.column = { field = "other", type = "nominal" }
      local spec = edit(pick { "no wait, by phase", "actually by phase", "no, by phase" }, base, df)
      assert.equal("phase", spec.encoding.column.field)
      assert.is_nil(spec.encoding.color)
    end
  end)
end)

describe("number formats and other looks by class", function()
  local function line_of(measure, values)
    local rows = {}
    for i, v in ipairs(values) do rows[i] = { 1990 + i, v } end
    local df = csv({ "year", measure }, rows)
    return { type = "line", encoding = { x = { field = "year", type = "quantitative" },
      y = { field = measure, type = "quantitative", aggregate = "sum" } } }, df
  end

  it("an axis's numbers said in thousands, with commas, as dollars, with N decimals get that format", function()
    local want = {
      ["y axis in thousands pls"] = "~s", ["show the numbers in millions"] = "~s", ["y axis in $k"] = "$~s",
      ["format numbers with commas"] = ",", ["add thousands separators"] = ",",
      ["format the y axis as dollars"] = "$,~f", ["values as currency please"] = "$,~f",
      ["no decimals"] = ",.0f", ["round the numbers"] = ",.0f", ["2 decimal places"] = ",.2f",
      ["show three decimals"] = ",.3f",
    }
    for _ = 1, 3 do
      local measure = word(3)
      local vals = {}
      for i = 1, 12 do vals[i] = rand(900000) end
      local base, df = line_of(measure, vals)
      for p, f in pairs(want) do
        assert.equal(f, edit(p, base, df).encoding.y.format, p)
      end
      -- said of x, the x axis
      assert.equal(",", edit("x axis with commas", base, df).encoding.x.format)
    end
  end)

  it("percentages format a share as a percent, and a column of percent points as points", function()
    local shares = {}
    for i = 1, 10 do shares[i] = rand(100) / 100 end
    local base, df = line_of(word(2) .. "_share", shares)
    assert.equal("~%", edit("show it as percentages", base, df).encoding.y.format)
    local points = {}
    for i = 1, 10 do points[i] = rand(100) end
    base, df = line_of(word(2) .. "_rate", points)
    assert.equal("percent", edit("format the y axis as percent", base, df).encoding.y.format)
  end)

  it("looks chartd cannot draw, said in styling words, colours or likened to a style, are a note, not an error", function()
    for _ = 1, 6 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      for _, p in ipairs { "thin white borders on the bars", ("make it look like the %s style"):format(word(3)),
          ("%s vibe please"):format(word(2)), "rounded corners please" } do
        local _, r = edit(p, bars(cat, measure, false), df, "style")
        assert.truthy(table.concat(r.notes, " "):find("not applied", 1, true), p)
      end
    end
  end)

  it("a bin width said with its unit glued on or after 'width'/'size' sets the bins' step", function()
    for _ = 1, 6 do
      local rows = {}
      for i = 1, 60 do rows[i] = { rand(4000) } end
      local name = word(2) .. "_g"
      local df = csv({ name }, rows)
      local hist = { type = "histogram", encoding = { x = { field = name, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local n = 50 * rand(10)
      assert.equal(n, edit(pick { "bin width %dg", "bin size %d", "bins of %d" }:format(n), hist, df).encoding.x.bin.step)
    end
  end)

  it("a hue-to-hue colour scale picks the scheme between them, reversed when said the other way", function()
    local cat, measure = word(2), word(3)
    local df = table_of(cat, measure)
    local heat = { type = "heatmap", encoding = { x = { field = cat, type = "nominal" }, y = { field = "phase", type = "nominal" },
      color = { field = measure, type = "quantitative", aggregate = "mean" } } }
    for p, want in pairs { ["use a yellow-to-red color scale"] = { "yelloworangered" },
        ["colours from red to yellow"] = { "yelloworangered", true }, ["blue to green scale"] = { "bluegreen" },
        ["white to purple colours"] = { "purples" } } do
      local spec = edit(p, heat, df)
      assert.equal(want[1], spec.encoding.color.scale.scheme, p)
      assert.equal(want[2], spec.encoding.color.scale.reverse, p)
    end
  end)

  it("panels told to share or to free a scale: shared is the default, said; free is set", function()
    local cat, measure = word(2), word(3)
    local df = table_of(cat, measure)
    local base = bars(cat, measure, false)
    base.encoding.column = { field = "phase", type = "nominal" }
    local spec, r = edit("make all panels share the same y axis", base, df, "style")
    assert.is_nil(spec.options)
    assert.truthy(table.concat(r.notes, " "):find("share", 1, true))
    spec = edit(pick { "give each panel its own y axis", "independent y scales", "separate y axes per panel" }, base, df)
    assert.is_false(spec.options.shared_y)
  end)
end)

describe("conversions and positions by class", function()
  it("a word of place on the chart is never read as a typo of a value ('right' is not Night)", function()
    for _, pos in ipairs { "right", "left", "top", "bottom" } do
      local rows = {}
      local near = { right = "Night", left = "Lift", top = "Tap", bottom = "Bottle" }
      for i = 1, 30 do rows[i] = { i % 2 == 0 and near[pos] or "Day", rand(50) } end
      local df = csv({ "when", "n" }, rows)
      local base = { type = "bar", encoding = { x = { field = "when", type = "nominal" },
        y = { aggregate = "count", type = "quantitative" }, color = { field = "when", type = "nominal" } } }
      local spec = edit(("legend on the %s"):format(pos), base, df)
      assert.is_nil(spec.transform, pos)
    end
  end)

  it("a scatter coloured by categories becomes boxes of those categories; counted pairs become a heatmap of counts",
    function()
    for _ = 1, 6 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      local scatter = { type = "scatter", encoding = { x = { field = "other", type = "quantitative" },
        y = { field = measure, type = "quantitative" }, color = { field = cat, type = "nominal" } } }
      local spec = edit(pick { "as a box plot", "boxplot", "make it boxes" }, scatter, df)
      assert.equal("box", spec.type)
      assert.equal(cat, spec.encoding.x.field)
      local counted = { type = "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { aggregate = "count", type = "quantitative" }, color = { field = "phase", type = "nominal" } } }
      spec = edit(pick { "heatmap", "as a heatmap", "make it a heat map" }, counted, df)
      assert.equal("heatmap", spec.type)
      assert.equal("count", spec.encoding.color.aggregate)
    end
  end)
end)

describe("titles, places and sorting by class", function()
  it("'axis labels: A and B' titles x then y; 'label the axis X' titles the measure's axis", function()
    for _ = 1, 6 do
      local cat, measure = word(2), word(3)
      local df = table_of(cat, measure)
      local a, b = word(2) .. " (" .. word(1) .. ")", word(3)
      local spec = edit(("axis labels: '%s' and '%s'"):format(a, b), bars(cat, measure, false), df)
      assert.same({ a, b }, { spec.encoding.x.title, spec.encoding.y.title })
      spec = edit(("label the axis '%s'"):format(b), bars(cat, measure, false), df)
      assert.equal(b, spec.encoding.y.title)
    end
  end)

  it("a place's code in capitals keeps the rows of its name; a place name keeps a coded state over a county of that name",
    function()
    local places = { { "NY", "New York" }, { "TX", "Texas" }, { "CA", "California" } }
    for _, p in ipairs(places) do
      local rows = {}
      for i = 1, 30 do rows[i] = { i % 2 == 0 and p[2] or "Elsewhere", rand(50) } end
      local df = csv({ "location", "n" }, rows)
      local base = { type = "bar", encoding = { x = { field = "location", type = "nominal" },
        y = { field = "n", type = "quantitative", aggregate = "mean" } } }
      assert.same({ p[2] }, edit(("just %s"):format(p[1]), base, df).transform[1].filter.oneOf)
    end
    local rows = {}
    for i = 1, 400 do rows[i] = { i == 7 and "OHIO" or word(2):upper() .. i, pick { "OH", "IN", "MI" }, rand(50), rand(50) } end
    local df = csv({ "county", "state", "a", "b" }, rows)
    local scatter = { type = "scatter", encoding = { x = { field = "a", type = "quantitative" }, y = { field = "b", type = "quantitative" } } }
    local f = edit("only ohio", scatter, df).transform[1].filter
    assert.same({ "state", { "OH" } }, { f.field, f.oneOf })
  end)

  it("'top ones first', 'largest values first', 'bottom ones first' sort the bars", function()
    local cat, measure = word(2), word(3)
    local df = table_of(cat, measure)
    for p, want in pairs { ["top ones first"] = "-y", ["largest values first"] = "-y", ["bottom ones first"] = "y" } do
      assert.equal(want, edit(p, bars(cat, measure, false), df).encoding.x.sort, p)
    end
  end)
end)
