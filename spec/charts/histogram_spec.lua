-- Tests for charts.histogram: bin edges and counts for known data, touching
-- bars on a linear axis, other aggregates, alt text and pixel checks.
local histogram = require "charts.histogram"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 600, height = 400 }
local VALUES = { 0.5, 1, 2, 2.5, 3, 3.5, 3.9, 7, 10 }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

local function rows_of(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v = v, w = i } end
  return rows
end

local function spec_of(values, bin, y, extra)
  return fixture.spec("histogram", rows_of(values), { x = { field = "v", type = "quantitative", bin = bin },
    y = y }, nil, extra)
end

describe("charts.histogram bins", function()
  it("counts values per bin with bin.step", function()
    local b = histogram.bins(spec_of(VALUES, { step = 2 }))
    assert.same({ 0, 2, 4, 6, 8, 10 }, b.edges)
    -- [0,2) [2,4) [4,6) [6,8) [8,10]: the maximum sits in the last bin
    assert.same({ 2, 5, 0, 1, 1 }, b.values)
    assert.equal(9, b.n)
  end)

  it("uses maxbins for bin true", function()
    local values = {}
    for i = 0, 100 do values[#values + 1] = i end
    local b = histogram.bins(spec_of(values, true))
    assert.equal(11, #b.edges)
    assert.equal(10, b.step)
    assert.same({ 10, 10, 10, 10, 10, 10, 10, 10, 10, 11 }, b.values)
  end)

  it("picks a bin count by Sturges' rule without a bin setting", function()
    assert.equal(5, histogram.auto_maxbins(1))
    assert.equal(8, histogram.auto_maxbins(100))
    assert.equal(18, histogram.auto_maxbins(100000))
  end)

  it("aggregates y per bin when y asks for it", function()
    local b = histogram.bins(spec_of(VALUES, { step = 2 }, { field = "w", type = "quantitative", aggregate = "sum" }))
    -- rows 1,2 | 3..7 | - | 8 | 9
    assert.same({ 3, 25, 0, 8, 9 }, b.values)
  end)
end)

describe("charts.histogram layout", function()
  local light = themes.get("light")

  it("draws touching bars from bin edge to bin edge, heights by count", function()
    local l = histogram.layout(spec_of(VALUES, { step = 2 }), light, BOX)
    local sx, sy = l.frame.x.scale, l.frame.y.scale
    assert.equal(5, #l.bars)
    for j, bar in ipairs(l.bars) do
      near(sx(l.bins.edges[j]), bar.x)
      near(sx(l.bins.edges[j + 1]), bar.x + bar.width)
      near(sy(0), bar.y + bar.height, "baseline")
      near(sy(l.bins.values[j]), bar.y, "top")
    end
    near(l.bars[1].x + l.bars[1].width, l.bars[2].x, "touching")
    assert.equal(0, l.bars[3].height)
    near(sx(0), l.frame.plot.x, "axis starts at the first edge")
    near(sx(10), l.frame.plot.x + l.frame.plot.width, "and ends at the last")
  end)

  it("gives an empty plot with a note when no value is present", function()
    local spec = spec_of({ 1, 2 }, true)
    spec.data.columns.v = {}
    local l = histogram.layout(spec, light, BOX)
    assert.equal(0, #l.bars)
    assert.equal("No data", l.note)
  end)

  it("bins one value", function()
    local l = histogram.layout(spec_of({ 42 }, true), light, BOX)
    assert.equal(1, #l.bars)
    assert.equal(1, l.bars[1].value)
  end)

  it("describes the data", function()
    local spec = spec_of(VALUES, { step = 2 }, nil, { title = "Waits" })
    spec.encoding.x.title = "Wait (min)"
    local l = histogram.layout(spec, light, BOX)
    assert.equal("Histogram of Wait (min): 9 values in 5 bins of width 2 from 0 to 10; "
      .. "the tallest bin is 2–4 (5).", histogram.describe(spec, l))
  end)

  it("bins 100,000 values", function()
    local values = {}
    for i = 1, 100000 do values[i] = (i * 7919) % 1000 / 10 end
    local l = histogram.layout(spec_of(values, { maxbins = 20 }), light, BOX)
    assert.equal(20, #l.bars)
  end)
end)

describe("charts.histogram rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws the tallest bin's top where its count says (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local raw = { type = "histogram", data = { values = rows_of(VALUES) },
        encoding = { x = { field = "v", type = "quantitative", bin = { step = 2 } } }, theme = theme_name,
        width = 600, height = 400 }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(1, 1)))
      local l = histogram.layout(spec_of(VALUES, { step = 2 }, nil, { theme = theme_name, width = 600, height = 400 }),
        theme, BOX)
      local bar = l.bars[2]
      local x = math.floor(bar.x + bar.width / 2)
      local fill = l.color:lower()
      assert.equal(fill, hex(img:pixel(x, math.ceil(bar.y) + 2)))
      assert.are_not.equal(fill, hex(img:pixel(x, math.floor(bar.y) - 2)))
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "histogram", data = { values = rows_of(VALUES) },
      encoding = { x = { field = "v", type = "quantitative", bin = true } }, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
