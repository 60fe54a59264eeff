-- Tests for charts.lollipop: stems from zero to the value (vertical,
-- horizontal, negative), bad input, pixels.
local lollipop = require "charts.lollipop"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
local ROWS = { { k = "a", v = 10 }, { k = "b", v = -5 }, { k = "c", v = 20 } }

describe("charts.lollipop layout", function()
  local light = themes.get("light")
  it("runs each stem from zero to the value, dot at the value", function()
    local l = lollipop.layout(fixture.spec("lollipop", ROWS, ENC), light, BOX)
    local sy = l.frame.y.scale
    local m = l.marks
    assert.equal(3, #m)
    for i, v in ipairs({ 10, -5, 20 }) do
      assert.is_true(math.abs(m[i].y0 - sy(0)) < 1e-9, "stem starts at zero")
      assert.is_true(math.abs(m[i].y1 - sy(v)) < 1e-9, "dot at the value")
      assert.equal(m[i].x0, m[i].x1)
    end
    assert.equal(l.frame.x.scale:center("b"), m[2].x0)
  end)
  it("lays stems out horizontally", function()
    local l = lollipop.layout(fixture.spec("lollipop", ROWS, ENC, { horizontal = true }), light, BOX)
    local sx = l.frame.y.scale
    assert.is_true(math.abs(l.marks[3].x1 - sx(20)) < 1e-9)
    assert.is_true(math.abs(l.marks[2].x1 - sx(-5)) < 1e-9)
    assert.equal(l.marks[1].y0, l.marks[1].y1)
  end)
  it("describes, names a missing y, one row and 100,000 rows", function()
    local spec = fixture.spec("lollipop", ROWS, ENC)
    assert.equal("Lollipop chart of v by k. Highest: c (20); lowest: b (-5).",
      lollipop.describe(spec, lollipop.layout(spec, light, BOX)))
    assert.equal("encoding.y", render.fails({ type = "lollipop", data = { values = ROWS },
      encoding = { x = ENC.x } }).path)
    assert.equal(1, #lollipop.layout(fixture.spec("lollipop", { { k = "a", v = 1 } }, ENC), light, BOX).marks)
    local rows = render.rows(100000, function(i) return { k = "k" .. i % 50, v = i % 9 } end)
    assert.equal(50, #lollipop.layout(fixture.spec("lollipop", rows, ENC), light, BOX).marks)
  end)
end)

describe("charts.lollipop rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("draws the stem and the dot (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local img = render.png({ type = "lollipop", data = { values = ROWS }, encoding = ENC, theme = name })
      local l = lollipop.layout(fixture.spec("lollipop", ROWS, ENC, nil, { theme = name }), theme, BOX)
      local m = l.marks[3]
      assert.equal(l.color, render.at(img, m.x1, m.y1))
      assert.equal(l.color, render.at(img, m.x0, (m.y0 + m.y1) / 2))
      local beside = render.at(img, m.x0 + 6, (m.y0 + m.y1) / 2 + 3)
      assert.is_true(beside == theme.background or beside == theme.grid, beside)
    end)
  end
end)
