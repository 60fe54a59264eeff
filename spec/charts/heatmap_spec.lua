-- Tests for charts.heatmap: cells and their aggregation, ramp ends at the
-- colour domain's ends, label contrast, binned axes, alt text, pixel checks.
local heatmap = require "charts.heatmap"
local color = require "layout.color"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 600, height = 400 }
local ENC = { x = { field = "d", type = "nominal" }, y = { field = "h", type = "nominal" },
  color = { field = "v", type = "quantitative" } }
local ROWS = {
  { d = "Mon", h = "am", v = 10 }, { d = "Mon", h = "pm", v = 20 },
  { d = "Tue", h = "am", v = 30 }, { d = "Tue", h = "pm", v = 40 }, { d = "Tue", h = "pm", v = 60 },
}

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

describe("charts.heatmap cells", function()
  it("averages rows that share a cell by default", function()
    local m = heatmap.cells(fixture.spec("heatmap", ROWS, ENC))
    assert.same({ "Mon", "Tue" }, m.xs)
    assert.same({ "am", "pm" }, m.ys)
    assert.equal(4, #m.cells)
    assert.same({ 2, 2, 50 }, { m.cells[4].i, m.cells[4].j, m.cells[4].value })
    assert.equal(10, m.min)
    assert.equal(50, m.max)
    assert.equal("mean", m.op)
  end)

  it("follows color.aggregate", function()
    local enc = { x = ENC.x, y = ENC.y, color = { field = "v", type = "quantitative", aggregate = "sum" } }
    local m = heatmap.cells(fixture.spec("heatmap", ROWS, enc))
    assert.equal(100, m.cells[4].value)
  end)

  it("bins a quantitative axis", function()
    local rows = { { a = 1, h = "x", v = 1 }, { a = 4, h = "x", v = 3 }, { a = 12, h = "x", v = 5 } }
    local enc = { x = { field = "a", type = "quantitative", bin = { step = 5 } }, y = ENC.y, color = ENC.color }
    enc.y = { field = "h", type = "nominal" }
    local m = heatmap.cells(fixture.spec("heatmap", rows, enc))
    assert.same({ "0–5", "5–10", "10–15" }, m.xs)
    assert.equal(2, #m.cells)
    assert.same({ 1, 2 }, { m.cells[1].i, m.cells[1].value })
    assert.same({ 3, 5 }, { m.cells[2].i, m.cells[2].value })
  end)
end)

describe("charts.heatmap layout", function()
  for _, theme_name in ipairs({ "light", "dark" }) do
    it("colours the min and max cells with the ramp's ends (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), theme, BOX)
      local lo, hi = l.cells[1], l.cells[4]
      assert.equal(10, lo.value); assert.equal(50, hi.value)
      assert.equal(theme.sequential[1]:lower(), lo.color:lower())
      assert.equal(theme.sequential[#theme.sequential]:lower(), hi.color:lower())
      -- Mon pm is 20: a quarter of the way from 10 to 50
      assert.equal(color.ramp(theme.sequential, 0.25):lower(), l.cells[2].color:lower())
    end)
  end

  it("follows an explicit color.scale.domain, clamping values outside it", function()
    local theme = themes.get("light")
    local enc = { x = ENC.x, y = ENC.y, color = { field = "v", type = "quantitative", scale = { domain = { 0, 40 } } } }
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, enc), theme, BOX)
    near(0.25, l.cells[1].t, "10 of 0..40")
    near(1, l.cells[4].t, "50, past the domain")
    assert.same({ 0, 40 }, { l.frame.legend.min, l.frame.legend.max })
  end)

  it("tiles the plot with cells, first category at the top", function()
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), themes.get("light"), BOX)
    local p = l.frame.plot
    local c1, c4 = l.cells[1], l.cells[4]
    near(p.x, c1.x); near(p.y, c1.y)
    near(p.x + p.width, c4.x + c4.width); near(p.y + p.height, c4.y + c4.height)
    near(p.width / 2, c1.width); near(p.height / 2, c1.height)
    assert.is_true(l.labels)
  end)

  it("picks label colours that contrast with the cell", function()
    local theme = themes.get("light")
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), theme, BOX)
    -- the palest cell gets dark text, the darkest gets light text
    assert.equal("#000000", l.cells[1].text_color:lower())
    assert.equal("#ffffff", l.cells[4].text_color:lower())
  end)

  it("drops labels when cells are too small for them", function()
    local rows = {}
    for i = 1, 60 do for j = 1, 40 do rows[#rows + 1] = { d = "d" .. i, h = "h" .. j, v = i * j + 0.123 } end end
    local l = heatmap.layout(fixture.spec("heatmap", rows, ENC), themes.get("light"), BOX)
    assert.is_false(l.labels)
  end)

  it("labels every cell with the same decimals, as many as tell the values apart", function()
    local f = heatmap.cell_format({ { value = 13.63 }, { value = 43.9 } }, nil, nil)
    assert.same({ "14", "44" }, { f(13.63), f(43.9) })
    f = heatmap.cell_format({ { value = 13.63 }, { value = 13.9 }, { value = 0.052 } }, nil, nil)
    assert.same({ "13.630", "13.900", "0.052" }, { f(13.63), f(13.9), f(0.052) })
    local g = heatmap.cell_format({ { value = 52 }, { value = 296 } }, nil, nil)
    assert.equal("1,296", g(1296))
    local h = heatmap.cell_format({ { value = 0.125 } }, ".1%", nil)
    assert.equal("12.5%", h(0.125))
  end)

  it("describes the data", function()
    local spec = fixture.spec("heatmap", ROWS, ENC)
    local l = heatmap.layout(spec, themes.get("light"), BOX)
    assert.equal("Heatmap of v by d and h, 2 × 2 cells; highest 50 at Tue, pm; lowest 10 at Mon, am.",
      heatmap.describe(spec, l))
  end)
end)

describe("charts.heatmap rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints the max cell in the ramp's last colour (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local raw = { type = "heatmap", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400, options = { labels = false } }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(1, 1)))
      local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC, { labels = false }, { theme = theme_name,
        width = 600, height = 400 }), theme, BOX)
      for _, cell in ipairs(l.cells) do
        local x, y = math.floor(cell.x + cell.width / 2), math.floor(cell.y + cell.height / 2)
        assert.equal(cell.color:lower(), hex(img:pixel(x, y)))
      end
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "heatmap", data = { values = ROWS }, encoding = ENC, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
