-- Tests for charts.area: stacked polygons, normalization, overlapping areas,
-- alt text, and pixel checks on a rendered image.
local area = require "charts.area"
local series = require "charts.shared.series"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local PLOT = { x = 40, y = 10, width = 200, height = 100 }
local ENC = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" },
  color = { field = "site", type = "nominal" } }
local ROWS = {
  { t = 0, site = "a", v = 10 }, { t = 0, site = "b", v = 30 },
  { t = 1, site = "a", v = 20 }, { t = 1, site = "b", v = 20 },
  { t = 2, site = "a", v = 30 },
}

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.6f, got %.6f"):format(what or "value", expected, actual))
end

describe("charts.area geometry", function()
  it("stacks series: each top is the cumulative sum, each base the top below", function()
    local m = series.build(fixture.spec("area", ROWS, ENC), { stacked = true, zero_fill = true })
    local g = area.geometry(m, PLOT, { 0, 2 }, { 0, 50 })
    local function y(v) return PLOT.y + (1 - v / 50) * PLOT.height end
    -- a: top 10, 20, 30 over base 0; polygon = 3 top points then 3 base points
    local pa = g[1].polygons[1]
    assert.equal(6, #pa)
    near(y(10), pa[1][2]); near(y(20), pa[2][2]); near(y(30), pa[3][2]); near(y(0), pa[4][2])
    -- b: 30, 20, (no row → 0) stacked on a
    local pb = g[2].polygons[1]
    near(y(40), pb[1][2]); near(y(40), pb[2][2]); near(y(30), pb[3][2], "b is zero at t=2, sits on a")
    near(y(30), pb[4][2]); near(y(20), pb[5][2]); near(y(10), pb[6][2])
    near(PLOT.x, pb[1][1]); near(PLOT.x + PLOT.width, pb[3][1]); near(PLOT.x, pb[6][1])
  end)

  it("normalizes each x to 100%", function()
    local m = series.build(fixture.spec("area", ROWS, ENC), { stacked = true, normalize = true, zero_fill = true })
    assert.same({ 25, 50, 100 }, m.series[1].y1)
    assert.same({ 100, 100, 100 }, m.series[2].y1)
    local g = area.geometry(m, PLOT, { 0, 2 }, { 0, 100 })
    for i = 1, 3 do near(PLOT.y, g[2].polygons[1][i][2]) end
  end)

  it("splits an unstacked area at a missing value", function()
    local enc = { x = ENC.x, y = ENC.y }
    local m = series.build(fixture.spec("area", { { t = 0, v = 1 }, { t = 1, v = 2 }, { t = 2 }, { t = 3, v = 1 },
      { t = 4, v = 2 } }, enc), { gaps = true })
    local g = area.geometry(m, PLOT, { 0, 4 }, { 0, 2 })
    assert.equal(2, #g[1].polygons)
    assert.equal(2, #g[1].tops)
  end)
end)

describe("charts.area layout", function()
  local light = themes.get("light")
  local BOX = { x = 0, y = 0, width = 400, height = 300 }

  it("stacks by default when there is a colour, and not without", function()
    local l = area.layout(fixture.spec("area", ROWS, ENC), light, BOX)
    assert.is_true(l.model.stacked)
    assert.equal(area.ALPHA_STACKED, l.alpha)
    local p = l.frame.plot
    local dom = l.frame.y.domain or l.frame.y.scale.domain
    near(p.y + (1 - 40 / dom[2]) * p.height, l.series[2].polygons[1][1][2], "top of the stack at t=0")
    local off = area.layout(fixture.spec("area", ROWS, ENC, { stacked = false }), light, BOX)
    assert.is_false(off.model.stacked)
    assert.equal(area.ALPHA_OVERLAP, off.alpha)
  end)

  it("describes the data", function()
    local spec = fixture.spec("area", ROWS, ENC)
    local l = area.layout(spec, light, BOX)
    assert.equal("Stacked area chart of v by t for 2 sites. Highest: a at t = 2 (30); lowest: a at t = 0 (10).",
      area.describe(spec, l))
  end)

  it("survives one row and 100,000 rows", function()
    local one = area.layout(fixture.spec("area", { { t = 1, site = "a", v = 1 } }, ENC), light, BOX)
    assert.equal(1, #one.series)
    local rows = {}
    for i = 1, 100000 do rows[i] = { t = i // 4, site = "s" .. (i % 4), v = i % 9 } end
    local l = area.layout(fixture.spec("area", rows, ENC), light, BOX)
    assert.equal(4, #l.series)
  end)

  it("draws a missing value in a stack as a gap, or across it with options.interpolate", function()
    local rows = {
      { t = 1, v = 10, c = "a" }, { t = 2, v = 12, c = "a" }, { t = 3, c = "a" }, { t = 4, v = 11, c = "a" },
      { t = 1, v = 5, c = "b" }, { t = 2, v = 6, c = "b" }, { t = 3, v = 7, c = "b" }, { t = 4, v = 6, c = "b" } }
    local enc = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" },
      color = { field = "c", type = "nominal" } }
    local l = area.layout(fixture.spec("area", rows, enc), light, BOX)
    assert.equal(2, #l.series[1].polygons) -- a gap at t = 3, not a plunge to zero
    assert.is_nil(l.model.series[1].y1[3])
    local i = area.layout(fixture.spec("area", rows, enc, { interpolate = true }), light, BOX)
    assert.equal(1, #i.series[1].polygons)
    assert.equal(11.5, i.model.series[1].values[3])
    assert.matches("1 missing value is drawn on a straight line", area.describe(fixture.spec("area", rows, enc,
      { interpolate = true }), i))
  end)
end)

describe("charts.area rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local color = require "layout.color"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("fills the area with the series colour over the background (" .. theme_name .. ")", function()
      local theme = themes.get(theme_name)
      local rows = { { t = 0, v = 10 }, { t = 1, v = 10 }, { t = 2, v = 10 } }
      local enc = { x = ENC.x, y = ENC.y }
      local result = assert(pipeline.render({ type = "area", data = { values = rows }, encoding = enc,
        theme = theme_name, width = 400, height = 300 }))
      local img = assert(image.decode_png(result.bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(2, 2)))
      local l = area.layout(fixture.spec("area", rows, enc, nil, { theme = theme_name }), theme,
        { x = 0, y = 0, width = 400, height = 300 })
      local p = l.frame.plot
      local top = l.series[1].tops[1][1][2]
      -- inside the fill, halfway between the top line and the baseline: series colour at ALPHA_OVERLAP
      local x = math.floor(p.x + p.width / 2)
      local y = math.floor((top + p.y + p.height) / 2)
      local fr, fg, fb = color.parse(l.series[1].color)
      local function over(under) -- the fill at l.alpha over `under`, as 0..255 channels
        local br, bg, bb = color.parse(under)
        local function mix(f, b)
          if f <= 1 and b <= 1 then f, b = f * 255, b * 255 end
          return f * l.alpha + b * (1 - l.alpha)
        end
        return mix(fr, br), mix(fg, bg), mix(fb, bb)
      end
      local r, g, b = img:pixel(x, y)
      local function close(er, eg, eb)
        return math.abs(r - er) <= 3 and math.abs(g - eg) <= 3 and math.abs(b - eb) <= 3
      end
      -- the sample may sit on a grid line, which is drawn under the data
      assert.is_true(close(over(theme.background)) or close(over(theme.grid)), ("fill pixel %s"):format(hex(r, g, b)))
      -- above the top line: no fill
      assert.are_not.equal(hex(r, g, b), hex(img:pixel(x, math.floor(top) - 6)))
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "area", data = area.sample.data, encoding = area.sample.encoding, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
