-- Tests for charts.box: Tukey statistics for a known sample, box geometry on
-- the value scale, horizontal boxes, alt text and pixel checks.
local box = require "charts.box"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 600, height = 400 }
-- Sorted: -20, 1..10, 30. Type-7 quartiles: 2.75, 5.5, 8.25; IQR 5.5;
-- fences -5.5 and 16.5, so -20 and 30 are outliers and the whiskers stop at 1 and 10.
local SAMPLE = { 5, 1, 30, 2, 3, 4, 6, 7, -20, 8, 9, 10 }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

local function rows_of(values, group)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { g = group or "a", v = v } end
  return rows
end

local ENC = { x = { field = "g", type = "nominal" }, y = { field = "v", type = "quantitative" } }

describe("charts.box stats", function()
  it("computes quartiles, whiskers and outliers exactly", function()
    local s = box.stats(SAMPLE)
    near(2.75, s.q1); near(5.5, s.median); near(8.25, s.q3); near(5.5, s.iqr)
    assert.equal(1, s.low)
    assert.equal(10, s.high)
    assert.same({ -20, 30 }, s.outliers)
    assert.equal(12, s.n)
  end)

  it("has no outliers and whiskers at the extremes for tight data", function()
    local s = box.stats({ 1, 2, 3, 4, 5 })
    near(2, s.q1); near(3, s.median); near(4, s.q3)
    assert.equal(1, s.low); assert.equal(5, s.high)
    assert.same({}, s.outliers)
  end)

  it("keeps a value exactly on the fence inside the whisker", function()
    -- q1 = 2, q3 = 4, IQR 2: the upper fence is 4 + 1.5 * 2 = 7
    local s = box.stats({ 2, 2, 2, 2, 4, 4, 4, 4, 7 })
    near(2, s.q1); near(4, s.q3)
    assert.equal(7, s.high)
    assert.same({}, s.outliers)
  end)

  it("summarizes a single value", function()
    local s = box.stats({ 4 })
    assert.same({ 4, 4, 4, 4, 4 }, { s.q1, s.median, s.q3, s.low, s.high })
  end)
end)

describe("charts.box layout", function()
  local light = themes.get("light")

  it("puts box edges, median and whiskers on the value scale", function()
    local rows = rows_of(SAMPLE, "a")
    for _, r in ipairs(rows_of({ 1, 2, 3 }, "b")) do rows[#rows + 1] = r end
    local spec = fixture.spec("box", rows, ENC)
    local l = box.layout(spec, light, BOX)
    assert.equal(2, #l.boxes)
    local sy = l.frame.y.scale
    local b = l.boxes[1]
    near(sy(2.75), b.q1); near(sy(5.5), b.median); near(sy(8.25), b.q3)
    near(sy(1), b.low); near(sy(10), b.high)
    assert.equal(2, #b.outliers)
    near(sy(-20), b.outliers[1]); near(sy(30), b.outliers[2])
    assert.is_true(b.q3 < b.q1) -- larger values are higher up
    assert.is_true(l.boxes[2].center > b.center)
  end)

  it("swaps axes when horizontal and makes one group without x", function()
    local spec = fixture.spec("box", rows_of(SAMPLE), { y = ENC.y }, { horizontal = true })
    local l = box.layout(spec, light, BOX)
    assert.equal(1, #l.boxes)
    local sx = l.frame.x.scale
    near(sx(2.75), l.boxes[1].q1); near(sx(8.25), l.boxes[1].q3)
    assert.is_true(l.boxes[1].q3 > l.boxes[1].q1)
  end)

  it("describes the data", function()
    local spec = fixture.spec("box", rows_of(SAMPLE), { y = { field = "v", type = "quantitative", title = "Score" } })
    local l = box.layout(spec, light, BOX)
    assert.equal("Box plot of Score for 12 values: median 5.5, middle half from 2.75 to 8.25; 2 outliers.",
      box.describe(spec, l))
  end)

  it("reports a column without numbers", function()
    local spec = fixture.spec("box", { { g = "a" }, { g = "b", v = 1 } }, ENC)
    spec.data.columns.v[2] = nil
    local ok, err = pcall(box.layout, spec, light, BOX)
    assert.is_false(ok)
    assert.equal("invalid_data", err.code)
  end)
end)

describe("charts.box rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("fills the box between the quartiles (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local raw = { type = "box", data = { values = rows_of(SAMPLE) }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(1, 1)))
      local spec = fixture.spec("box", rows_of(SAMPLE), ENC, nil, { theme = theme_name, width = 600, height = 400 })
      local l = box.layout(spec, theme, BOX)
      local b = l.boxes[1]
      local x = math.floor(b.center - b.width / 4)
      local fill = l.color:lower()
      assert.equal(fill, hex(img:pixel(x, math.floor((b.q3 + b.median) / 2))))
      assert.equal(fill, hex(img:pixel(x, math.floor(b.q1) - 3)))        -- just inside the bottom edge
      assert.are_not.equal(fill, hex(img:pixel(x, math.floor(b.q1) + 3))) -- just below it
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "box", data = { values = rows_of(SAMPLE) }, encoding = ENC, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
