-- Tests for options.interval (charts.shared.interval) on line, bar and
-- scatter: exact bounds per kind, domains that hold them, where the band and
-- error bars land in a rendered PNG, validation and alt text.
local interval = require "charts.shared.interval"
local line = require "charts.line"
local bar = require "charts.bar"
local scatter = require "charts.scatter"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 400, height = 300 }
local SE = 2 / math.sqrt(3) -- sd 2 of {2, 4, 6} over √3

local function near(expected, actual, what, tol)
  assert(actual ~= nil, (what or "value") .. ": got nil")
  assert(math.abs(expected - actual) < (tol or 1e-9),
    ("%s: expected %.6f, got %.6f"):format(what or "value", expected, actual))
end

-- Group a: {2, 4, 6}; group b: one row (no interval); group c: {1, 3}.
local ROWS = { { k = "a", v = 2 }, { k = "a", v = 4 }, { k = "a", v = 6 }, { k = "b", v = 5 },
  { k = "c", v = 1 }, { k = "c", v = 3 } }
local XY = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } }

describe("interval.bounds", function()
  it("gives exact bounds for {2, 4, 6} for every kind", function()
    local lo, hi, mean = interval.bounds({ 2, 4, 6 }, "stdev")
    near(4, mean); near(2, lo); near(6, hi)
    lo, hi = interval.bounds({ 2, 4, 6 }, "stderr")
    near(4 - SE, lo); near(4 + SE, hi); near(2.845299, lo, "stderr lo", 1e-6)
    lo, hi = interval.bounds({ 2, 4, 6 }, "ci")
    near(4 - 4.303 * SE, lo); near(4 + 4.303 * SE, hi); near(8.968676, hi, "ci hi", 1e-6)
    lo, hi = interval.bounds({ 6, 2, 4 }, "minmax")
    near(2, lo); near(6, hi)
  end)

  it("keeps spreads whose squares leave the double range, and says when the spread itself does", function()
    local lo, hi, mean = interval.bounds({ 1e200, 3e200, 2e200 }, "stdev") -- squares of 1e200: inf
    near(2e200, mean, "mean", 1e186); near(1e200, lo, "lo", 1e186); near(3e200, hi, "hi", 1e186)
    lo, hi, mean = interval.bounds({ 1.7e308, 1.7e308, 1.7e308 }, "ci") -- the sum overflows, not the mean
    assert.are.same({ 1.7e308, 1.7e308, 1.7e308 }, { lo, hi, mean })
    lo, hi = interval.bounds({ 1e308, -1e308, 1e308, -1e308 }, "ci") -- a band past ±1.8e308: infinite
    assert.are.same({ -math.huge, math.huge }, { lo, hi })          -- (the frame: invalid_data), never NaN
  end)

  it("uses 1.96 past 30 degrees of freedom and nothing for one row", function()
    assert.equal(2.042, interval.t95(30))
    assert.equal(1.96, interval.t95(31))
    local xs = {}
    for i = 1, 40 do xs[i] = i % 2 == 0 and 1 or 3 end -- mean 2, sd √(40/39)
    local lo = interval.bounds(xs, "ci")
    near(2 - 1.96 * math.sqrt(40 / 39) / math.sqrt(40), lo)
    assert.is_nil(interval.bounds({ 5 }, "ci"))
  end)
end)

describe("bar with options.interval", function()
  it("puts error bars on groups with several rows and widens the domain to hold them", function()
    local spec = fixture.spec("bar", ROWS, XY, { interval = "ci", labels = false })
    local l = bar.layout(spec, themes.get("light"), BOX)
    local s = l.model.series[1]
    assert.equal("mean", l.model.aggregate) -- y defaults to the mean with an interval
    near(4, s.values[1]); near(5, s.values[2]); near(2, s.values[3])
    near(4 - 4.303 * SE, s.lo[1]); near(4 + 4.303 * SE, s.hi[1])
    assert.is_nil(s.lo[2])
    near(2 - 12.706, s.lo[3]) -- {1, 3}: sd √2, se 1, t(1) = 12.706
    assert.equal(2, #l.error_bars)
    assert.is_true(l.domain[1] <= s.lo[3] and l.domain[2] >= s.hi[1])
    -- The bar's pixels: centre of its band, the bounds through the value scale.
    local b, e = l.bars[1], l.error_bars[1]
    near(b.x + b.w / 2, e.c)
    local p = l.frame.plot
    local span = l.domain[2] - l.domain[1]
    near(p.y + (1 - (s.hi[1] - l.domain[1]) / span) * p.height, e.b)
  end)

  it("draws horizontal error bars on horizontal bars", function()
    local spec = fixture.spec("bar", ROWS, XY, { interval = "minmax", horizontal = true })
    local l = bar.layout(spec, themes.get("light"), BOX)
    local b, e = l.bars[1], l.error_bars[1]
    near(b.y + b.h / 2, e.c)
    assert.is_true(e.b > e.a) -- max to the right of min
  end)

  it("skips intervals on stacked bars and around sums", function()
    local enc = { x = XY.x, y = XY.y, color = { field = "g", type = "nominal" } }
    local rows = { { k = "a", v = 1, g = "x" }, { k = "a", v = 3, g = "x" }, { k = "a", v = 2, g = "y" } }
    local l = bar.layout(fixture.spec("bar", rows, enc, { interval = "ci", stacked = true }), themes.get("light"), BOX)
    assert.equal(0, #l.error_bars)
    local sum = { x = XY.x, y = { field = "v", type = "quantitative", aggregate = "sum" } }
    l = bar.layout(fixture.spec("bar", ROWS, sum, { interval = "ci" }), themes.get("light"), BOX)
    assert.equal(0, #l.error_bars)
    near(12, l.model.series[1].values[1])
  end)

  it("says so in the alt text", function()
    local spec = fixture.spec("bar", ROWS, XY, { interval = "ci" })
    local text = bar.describe(spec, bar.layout(spec, themes.get("light"), BOX))
    assert.truthy(text:find("mean of v", 1, true), text)
    assert.truthy(text:find("Error bars show 95% confidence intervals of the mean.", 1, true), text)
  end)
end)

describe("line with options.interval", function()
  local T = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" } }
  local rows = { { t = 1, v = 2 }, { t = 1, v = 4 }, { t = 1, v = 6 }, { t = 2, v = 8 }, { t = 2, v = 10 },
    { t = 3, v = 7 } }

  it("builds one band over the keys with intervals, the domain holding it", function()
    local l = line.layout(fixture.spec("line", rows, T, { interval = "stdev" }), themes.get("light"), BOX)
    local s = l.model.series[1]
    near(2, s.lo[1]); near(6, s.hi[1]); near(9 - math.sqrt(2), s.lo[2]); near(9 + math.sqrt(2), s.hi[2])
    assert.is_nil(s.lo[3])
    near(2, l.model.y_min); near(9 + math.sqrt(2), l.model.y_max)
    local bands = l.series[1].bands
    assert.equal(1, #bands)
    assert.equal(4, #bands[1]) -- lo at t=1, t=2, then hi back
    assert.is_true(bands[1][1][2] > bands[1][4][2]) -- the low edge is lower on screen (larger y)
    local text = line.describe(fixture.spec("line", rows, T, { interval = "ci" }), line.layout(
      fixture.spec("line", rows, T, { interval = "ci" }), themes.get("light"), BOX))
    assert.truthy(text:find("Bands show 95% confidence intervals of the mean.", 1, true), text)
  end)

  it("is unchanged without the option (sum of rows, no bands)", function()
    local l = line.layout(fixture.spec("line", rows, T), themes.get("light"), BOX)
    near(12, l.model.series[1].values[1])
    assert.is_nil(l.model.series[1].lo)
    assert.same({}, l.series[1].bands)
  end)
end)

describe("scatter with options.interval", function()
  it("draws one error bar per x with several rows and widens y", function()
    local rows = { { x = 1, y = 2 }, { x = 1, y = 4 }, { x = 1, y = 6 }, { x = 2, y = 5 } }
    local enc = { x = { field = "x", type = "quantitative" }, y = { field = "y", type = "quantitative" } }
    local l = scatter.layout(fixture.spec("scatter", rows, enc, { interval = "ci" }), themes.get("light"), BOX)
    assert.equal(1, #l.error_bars)
    local e = l.error_bars[1]
    near(4 - 4.303 * SE, e.lo); near(4 + 4.303 * SE, e.hi)
    local d = l.frame.y.domain
    assert.is_true(d[1] <= e.lo and d[2] >= e.hi)
    near(l.frame.y.scale(e.hi), e.b)
    local text = scatter.describe(fixture.spec("scatter", rows, enc, { interval = "ci" }), l)
    assert.truthy(text:find("95% confidence intervals", 1, true), text)
  end)
end)

describe("options.interval validation", function()
  it("names the option and the allowed values", function()
    local validate = require "chartspec.validate"
    local spec, errs = validate.spec({ type = "line", data = { values = ROWS }, encoding = XY,
      options = { interval = "95%" } })
    assert.is_nil(spec)
    assert.equal("options.interval", errs[1].path)
    for _, k in ipairs(interval.KINDS) do assert.truthy(errs[1].message:find(k, 1, true), errs[1].message) end
  end)
end)

describe("interval rendering (light PNG)", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local color = require "layout.color"
  local theme = themes.for_size(themes.get("light"), BOX.width, BOX.height)

  local function png(raw)
    raw.theme, raw.width, raw.height = "light", 400, 300
    return assert(image.decode_png(assert(pipeline.render(raw)).bytes))
  end
  local function dist(img, x, y, hex)
    local r, g, b = img:pixel(x, y)
    local er, eg, eb = tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16), tonumber(hex:sub(6, 7), 16)
    return math.max(math.abs(r - er), math.abs(g - eg), math.abs(b - eb))
  end

  it("draws the error bar above the bar at the interval's top", function()
    local img = png({ type = "bar", data = { values = ROWS }, encoding = XY,
      options = { interval = "stdev", labels = false } })
    local l = bar.layout(fixture.spec("bar", ROWS, XY, { interval = "stdev", labels = false }), theme, BOX)
    local b, e = l.bars[1], l.error_bars[1]
    local x = math.floor(e.c)
    local between = math.floor((e.b + b.y) / 2) -- between the cap (y of 6) and the bar top (y of 4)
    local dark = math.min(dist(img, x - 1, between, "#000000"), dist(img, x, between, "#000000"))
    assert.is_true(dark < 120, "error bar line missing")
    assert.is_true(dist(img, x + 15, between, theme.background) <= 2, "background beside the line")
    assert.is_true(dist(img, x, math.floor(e.b) - 4, theme.background) <= 2, "nothing above the cap")
  end)

  it("fills the band at 20% of the series colour between the bounds", function()
    local T = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" } }
    local rows = { { t = 1, v = 2 }, { t = 1, v = 6 }, { t = 2, v = 2 }, { t = 2, v = 6 } }
    local img = png({ type = "line", data = { values = rows }, encoding = T, options = { interval = "minmax" } })
    local l = line.layout(fixture.spec("line", rows, T, { interval = "minmax" }), theme, BOX)
    local poly = l.series[1].bands[1]
    local x = math.floor((poly[1][1] + poly[2][1]) / 2)
    local ylo, yhi = poly[1][2], poly[4][2] -- bound 2 (bottom) and 6 (top) at t = 1
    local band = color.mix(theme.background, l.series[1].color, 0.2)
    local y = math.floor(yhi + (ylo - yhi) * 0.18) -- value 5.28, off the gridlines
    assert.is_true(dist(img, x, y, band) <= 3, ("band inside: %s at %d,%d vs %s"):format(
      ("%d,%d,%d"):format(img:pixel(x, y)), x, y, band))
    assert.is_true(dist(img, x, math.floor(yhi) - 6, band) > 3, "no band above the top bound")
  end)
end)
