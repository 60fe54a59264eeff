-- Tests for charts.bar: exact bar geometry, stacking, normalization,
-- horizontal bars, sorting, alt text, and pixel checks on rendered images.
local bar = require "charts.bar"
local series = require "charts.shared.series"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local PLOT = { x = 50, y = 20, width = 300, height = 200 }
local ABC = { { k = "a", v = 10 }, { k = "b", v = 20 }, { k = "c", v = 40 } }
local XY = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local XYC = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" },
  color = { field = "g", type = "nominal" } }

local function model(values, enc, opts, options)
  return series.build(fixture.spec("bar", values, enc, options), opts)
end

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.6f, got %.6f"):format(what or "value", expected, actual))
end

describe("charts.bar geometry", function()
  it("places bands with 20% inner and 10% outer padding and heights proportional to values", function()
    local bars = bar.geometry(model(ABC, XY, { band = true }), PLOT, { 0, 50 })
    assert.equal(3, #bars)
    -- step = 300 / (3 - 0.2 + 0.2) = 100, band = 80
    near(60, bars[1].x); near(160, bars[2].x); near(260, bars[3].x)
    for _, b in ipairs(bars) do near(80, b.w) end
    near(40, bars[1].h); near(80, bars[2].h); near(160, bars[3].h)
    near(PLOT.y + (1 - 40 / 50) * PLOT.height, bars[3].y, "tallest top")
    near(PLOT.y + PLOT.height, bars[1].y + bars[1].h, "baseline")
    assert.equal("top", bars[3].round)
  end)

  it("draws negative bars down from zero", function()
    local bars = bar.geometry(model({ { k = "a", v = -10 }, { k = "b", v = 40 } }, XY, { band = true }),
      PLOT, { -20, 40 })
    local zero = PLOT.y + (1 - 20 / 60) * PLOT.height
    near(zero, bars[1].y, "negative bar starts at zero")
    near(10 / 60 * PLOT.height, bars[1].h)
    assert.equal("bottom", bars[1].round)
    near(zero, bars[2].y + bars[2].h, "positive bar ends at zero")
  end)

  it("stacks segments so each top is the cumulative sum", function()
    local rows = { { k = "a", g = "p", v = 10 }, { k = "a", g = "q", v = 20 }, { k = "a", g = "r", v = 5 } }
    local bars = bar.geometry(model(rows, XYC, { band = true, stacked = true }), PLOT, { 0, 40 })
    local function top(v) return PLOT.y + (1 - v / 40) * PLOT.height end
    near(top(10), bars[1].y); near(top(30), bars[2].y); near(top(35), bars[3].y)
    near(top(0), bars[1].y + bars[1].h); near(top(10), bars[2].y + bars[2].h)
    -- only the outermost segment is rounded; all share the one band
    assert.is_nil(bars[1].round); assert.is_nil(bars[2].round); assert.equal("top", bars[3].round)
    near(bars[1].x, bars[3].x); near(bars[1].w, bars[3].w)
  end)

  it("normalizes every stack to 100%", function()
    local rows = { { k = "a", g = "p", v = 1 }, { k = "a", g = "q", v = 3 }, { k = "b", g = "p", v = 2 },
      { k = "b", g = "q", v = 2 } }
    local bars = bar.geometry(model(rows, XYC, { band = true, stacked = true, normalize = true }), PLOT, { 0, 100 })
    -- series p at a, b; then q at a, b
    near(PLOT.y + 0.75 * PLOT.height, bars[1].y, "a: p is 25%")
    near(PLOT.y + 0.5 * PLOT.height, bars[2].y, "b: p is 50%")
    near(PLOT.y, bars[3].y, "a: stack reaches 100%"); near(PLOT.y, bars[4].y)
    near(PLOT.height * 0.75, bars[3].h)
  end)

  it("groups series side by side within a band", function()
    local rows = { { k = "a", g = "p", v = 10 }, { k = "a", g = "q", v = 20 } }
    local bars = bar.geometry(model(rows, XYC, { band = true }), PLOT, { 0, 20 })
    -- one band: step = 300 / (1 - 0.2 + 0.2) = 300, band 240, two bars of 120
    near(80, bars[1].x); near(120, bars[1].w)
    near(200, bars[2].x); near(120, bars[2].w)
    near(PLOT.y, bars[2].y)
    assert.equal("top", bars[1].round)
  end)

  it("swaps the axes when horizontal", function()
    local bars = bar.geometry(model(ABC, XY, { band = true }), PLOT, { 0, 50 }, { horizontal = true })
    -- bands run down the plot's height: step = 200 / 3, band = 160 / 3
    near(PLOT.y + 200 / 3 * 0.1, bars[1].y); near(200 / 3 * 0.8, bars[1].h)
    near(PLOT.y + 200 / 3 * 1.1, bars[2].y)
    near(PLOT.x, bars[3].x); near(40 / 50 * PLOT.width, bars[3].w)
    assert.equal("right", bars[3].round)
  end)

  it("orders bands by encoding.x.sort", function()
    local enc = { x = { field = "k", type = "nominal", sort = "-y" }, y = XY.y }
    local m = model(ABC, enc, { band = true })
    assert.same({ "c", "b", "a" }, m.keys)
    local bars = bar.geometry(m, PLOT, { 0, 50 })
    near(60, bars[1].x); near(160, bars[1].h) -- c (40) comes first
  end)
end)

describe("charts.bar layout", function()
  local light = themes.get("light")

  it("puts the tallest bar's top where the nice domain says", function()
    local spec = fixture.spec("bar", ABC, XY)
    local l = bar.layout(spec, light, { x = 0, y = 0, width = 400, height = 300 })
    local p = l.frame.plot
    assert.equal(0, l.domain[1])
    assert.equal(40, l.domain[2]) -- 40 is already a nice tick
    near(p.y + (1 - 40 / l.domain[2]) * p.height, l.bars[3].y)
    near(p.y + p.height, l.bars[3].y + l.bars[3].h)
    assert.equal(3, #l.labels) -- one series, wide bars: value labels
    assert.equal("40", l.labels[3].text)
  end)

  it("gives a percent axis when normalized", function()
    local rows = { { k = "a", g = "p", v = 1 }, { k = "a", g = "q", v = 3 } }
    local spec = fixture.spec("bar", rows, XYC, { stacked = true, normalize = true })
    local l = bar.layout(spec, light, { x = 0, y = 0, width = 400, height = 300 })
    assert.same({ 0, 100 }, l.domain)
    near(l.frame.plot.y, l.bars[2].y)
  end)

  it("bands temporal x per time unit", function()
    local rows = { { d = "2024-01-03", v = 1 }, { d = "2024-01-28", v = 2 }, { d = "2024-03-01", v = 4 } }
    local spec = fixture.spec("bar", rows, { x = { field = "d", type = "temporal", timeUnit = "month" }, y = XY.y })
    local l = bar.layout(spec, light, { x = 0, y = 0, width = 400, height = 300 })
    assert.equal(2, #l.bars) -- January (1 + 2) and March; no empty February band
    assert.same({ 3, 4 }, { l.bars[1].value, l.bars[2].value })
  end)

  it("describes the data", function()
    local spec = fixture.spec("bar", bar.sample.data.values, bar.sample.encoding, { stacked = false })
    local l = bar.layout(spec, light, { x = 0, y = 0, width = 800, height = 600 })
    assert.equal("Bar chart of sum of revenue by month for 2 regions. Highest: EU in 2024-06 (162.8); "
      .. "lowest: US in 2024-01 (98.0).", bar.describe(spec, l))
  end)

  it("survives one row, and 100,000 rows in well under a second", function()
    local one = bar.layout(fixture.spec("bar", { { k = "a", v = 3 } }, XY), light,
      { x = 0, y = 0, width = 400, height = 300 })
    assert.equal(1, #one.bars)
    local none = bar.layout(fixture.spec("bar", { { k = "a" }, { v = 2 } }, XY), light,
      { x = 0, y = 0, width = 400, height = 300 })
    assert.is_true(none.empty) -- "a" has no value and the other row no key: an empty plot, "No data"
    assert.equal(0, #none.bars)
    local rows = {}
    for i = 1, 100000 do rows[i] = { k = "k" .. (i % 40), g = "g" .. (i % 3), v = (i % 13) - 4 } end
    local spec = fixture.spec("bar", rows, XYC, { stacked = true })
    local l = bar.layout(spec, light, { x = 0, y = 0, width = 800, height = 600 })
    assert.equal(120, #l.bars)
  end)
end)

describe("charts.bar rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"

  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  local function render(theme, extra)
    local raw = { type = "bar", data = { values = ABC }, encoding = XY, theme = theme, width = 400, height = 300,
      options = { labels = false } }
    for k, v in pairs(extra or {}) do raw[k] = v end
    local result = assert(pipeline.render(raw))
    return result
  end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws the tallest bar where the data says (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), 400, 300)
      local result = render(theme_name)
      local img = assert(image.decode_png(result.bytes))
      assert.equal(400, img.width)
      assert.equal(theme.background:lower(), hex(img:pixel(2, 2)))
      -- recompute the layout the pipeline used
      local spec = fixture.spec("bar", ABC, XY, { labels = false }, { theme = theme_name })
      local l = bar.layout(spec, theme, { x = 0, y = 0, width = 400, height = 300 })
      local b = l.bars[3]
      local cx = math.floor(b.x + b.w / 2)
      local top = b.y
      local fill = l.colors[1]:lower()
      assert.equal(fill, hex(img:pixel(cx, math.ceil(top) + 2)))          -- just inside
      assert.are_not.equal(fill, hex(img:pixel(cx, math.floor(top) - 2))) -- just outside
      assert.equal(fill, hex(img:pixel(cx, math.floor(b.y + b.h) - 2)))  -- near the baseline
    end)
  end

  it("renders SVG and PDF", function()
    local svg = render("light", { format = "svg" })
    assert.truthy(svg.bytes:find("</svg>", 1, true))
    local pdf = render("dark", { format = "pdf" })
    assert.equal("%PDF", pdf.bytes:sub(1, 4))
  end)
end)
