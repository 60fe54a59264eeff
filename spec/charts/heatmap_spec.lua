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
    assert.equal(4, m.n)
    assert.same({ 2, 2, 50 }, { m.i[4], m.j[4], m.value[4] })
    assert.equal(10, m.min)
    assert.equal(50, m.max)
    assert.equal("mean", m.op)
  end)

  it("follows color.aggregate", function()
    local enc = { x = ENC.x, y = ENC.y, color = { field = "v", type = "quantitative", aggregate = "sum" } }
    local m = heatmap.cells(fixture.spec("heatmap", ROWS, enc))
    assert.equal(100, m.value[4])
  end)

  it("bins a quantitative axis", function()
    local rows = { { a = 1, h = "x", v = 1 }, { a = 4, h = "x", v = 3 }, { a = 12, h = "x", v = 5 } }
    local enc = { x = { field = "a", type = "quantitative", bin = { step = 5 } }, y = ENC.y, color = ENC.color }
    enc.y = { field = "h", type = "nominal" }
    local m = heatmap.cells(fixture.spec("heatmap", rows, enc))
    assert.same({ "0–5", "5–10", "10–15" }, m.xs)
    assert.equal(2, m.n)
    assert.same({ 1, 2 }, { m.i[1], m.value[1] })
    assert.same({ 3, 5 }, { m.i[2], m.value[2] })
  end)
end)

describe("charts.heatmap layout", function()
  for _, theme_name in ipairs({ "light", "dark" }) do
    it("colours the min and max cells with the ramp's ends (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), theme, BOX)
      local cells = l.cells
      assert.equal(10, cells.value[1]); assert.equal(50, cells.value[4])
      assert.equal(theme.sequential[1]:lower(), cells.color[1]:lower())
      assert.equal(theme.sequential[#theme.sequential]:lower(), cells.color[4]:lower())
      -- Mon pm is 20: a quarter of the way from 10 to 50
      assert.equal(color.ramp(theme.sequential, 0.25):lower(), cells.color[2]:lower())
    end)
  end

  it("follows an explicit color.scale.domain, clamping values outside it", function()
    local theme = themes.get("light")
    local enc = { x = ENC.x, y = ENC.y, color = { field = "v", type = "quantitative", scale = { domain = { 0, 40 } } } }
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, enc), theme, BOX)
    near(0.25, l.cells.t[1], "10 of 0..40")
    near(1, l.cells.t[4], "50, past the domain")
    assert.same({ 0, 40 }, { l.frame.legend.min, l.frame.legend.max })
  end)

  it("tiles the plot with cells, first category at the top", function()
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), themes.get("light"), BOX)
    local p = l.frame.plot
    local c = l.cells
    near(p.x, c.x[1]); near(p.y, c.y[1])
    near(p.x + p.width, c.x[4] + c.width); near(p.y + p.height, c.y[4] + c.height)
    near(p.width / 2, c.width); near(p.height / 2, c.height)
    assert.is_true(l.labels)
  end)

  it("picks label colours that contrast with the cell", function()
    local theme = themes.get("light")
    local l = heatmap.layout(fixture.spec("heatmap", ROWS, ENC), theme, BOX)
    -- the palest cell gets dark text, the darkest gets light text
    assert.equal("#000000", l.cells.text_color[1]:lower())
    assert.equal("#ffffff", l.cells.text_color[4]:lower())
  end)

  it("drops labels when cells are too small for them", function()
    local rows = {}
    for i = 1, 60 do for j = 1, 40 do rows[#rows + 1] = { d = "d" .. i, h = "h" .. j, v = i * j + 0.123 } end end
    local l = heatmap.layout(fixture.spec("heatmap", rows, ENC), themes.get("light"), BOX)
    assert.is_false(l.labels)
  end)

  it("labels every cell with the same decimals, as many as tell the values apart", function()
    local f = heatmap.cell_format({ 13.63, 43.9 }, nil, nil)
    assert.same({ "14", "44" }, { f(13.63), f(43.9) })
    f = heatmap.cell_format({ 13.63, 13.9, 0.052 }, nil, nil)
    assert.same({ "13.630", "13.900", "0.052" }, { f(13.63), f(13.9), f(0.052) })
    local g = heatmap.cell_format({ 52, 296 }, nil, nil)
    assert.equal("1,296", g(1296))
    local h = heatmap.cell_format({ 0.125 }, ".1%", nil)
    assert.equal("12.5%", h(0.125))
  end)

  -- The summary looks up only the cells of the first columns it needs: grids dense and sparse
  -- (columns holding 0, 1 or many cells, in any row order) give the rows the definition does.
  it("summarizes the first MAX_ROWS cells along x, then up y, however sparse the first columns", function()
    local summary = require "charts.shared.summary"
    local seed = 7
    local function pick(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
    for round = 1, 40 do
      local nx, ny, rows = pick(30), pick(30), {}
      local keep = pick(3) -- 1: every cell, 2: about half, 3: a few, mostly in late columns
      for i = nx, 1, -1 do for j = 1, ny do
        local on = keep == 1 or (keep == 2 and pick(2) == 1) or (keep == 3 and pick(nx) <= i // 3)
        if on then rows[#rows + 1] = { d = ("d%02d"):format(i), h = ("h%02d"):format(j), v = pick(100) } end
      end end
      table.sort(rows, function(a, b) return a.v < b.v end) -- first-seen order unrelated to the grid
      if #rows > 0 then
        local spec = fixture.spec("heatmap", rows, ENC)
        local l = heatmap.layout(spec, themes.get("light"), BOX)
        local m, want = l.model, {}
        for i, x in ipairs(m.x_values) do
          for j, y in ipairs(m.y_values) do
            for k = 1, m.n do
              if m.i[k] == i and m.j[k] == j and #want < summary.MAX_ROWS then want[#want + 1] = { x, y, m.value[k] } end
            end
          end
        end
        local got = heatmap.summary(spec, l)
        assert.equal(m.n, got.total_rows, "round " .. round)
        assert.same(want, got.rows, "round " .. round)
      end
    end
  end)

  it("names the first cell holding the highest and the lowest value", function()
    local rows = { { d = "a", h = "x", v = 5 }, { d = "b", h = "x", v = 9 }, { d = "c", h = "x", v = 1 },
      { d = "d", h = "x", v = 9 }, { d = "e", h = "x", v = 1 } }
    local spec = fixture.spec("heatmap", rows, ENC)
    local l = heatmap.layout(spec, themes.get("light"), BOX)
    assert.equal("Heatmap of v by d and h, 5 × 1 cells; highest 9 at b, x; lowest 1 at c, x.", heatmap.describe(spec, l))
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
      local c = l.cells
      for k = 1, c.n do
        local x, y = math.floor(c.x[k] + c.width / 2), math.floor(c.y[k] + c.height / 2)
        assert.equal(c.color[k]:lower(), hex(img:pixel(x, y)))
      end
    end)
  end

  -- A grid past IMAGE_ABOVE cells is one image plus its gaps (canvas:grid): the same
  -- picture as a rectangle per cell, up to anti-aliasing where cells meet.
  it("draws a large grid as an image with the same pixels as one rectangle per cell", function()
    local rows = {}
    for i = 1, 37 do for j = 1, 23 do
      if (i * 7 + j * 3) % 11 ~= 0 then rows[#rows + 1] = { d = ("d%02d"):format(i), h = ("h%02d"):format(j),
        v = math.sin(i * 0.7) * j } end
    end end
    local function render(limit, scale)
      local saved = heatmap.IMAGE_ABOVE
      heatmap.IMAGE_ABOVE = limit
      local raw = { type = "heatmap", data = { values = rows }, encoding = ENC, width = 611, height = 397,
        scale = scale }
      local r = assert(pipeline.render(raw))
      heatmap.IMAGE_ABOVE = saved
      return r
    end
    for _, scale in ipairs({ 1, 2 }) do
      local vec, img = render(math.huge, scale), render(0, scale)
      assert.equal("paths", vec.drawing.method)
      assert.same({ method = "image", cells = #rows }, img.drawing)
      local a, b = image.decode_png(vec.bytes), image.decode_png(img.bytes)
      local worst, differ = 0, 0
      for y = 0, a.height - 1 do for x = 0, a.width - 1 do
        local r1, g1, b1 = a:pixel(x, y)
        local r2, g2, b2 = b:pixel(x, y)
        local d = math.max(math.abs(r1 - r2), math.abs(g1 - g2), math.abs(b1 - b2))
        worst = math.max(worst, d)
        if d > 0 then differ = differ + 1 end
      end end
      -- differences only in the anti-aliased pixels along cell borders, and small there
      assert.is_true(worst <= 40, ("scale %d: a pixel differs by %d"):format(scale, worst))
      assert.is_true(differ < a.width * a.height * 0.2, ("scale %d: %d pixels differ"):format(scale, differ))
    end
  end)

  it("renders SVG and PDF", function()
    local raw = { type = "heatmap", data = { values = ROWS }, encoding = ENC, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
