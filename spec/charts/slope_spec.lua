-- Tests for charts.slope: two x values only, end positions, labels pushed
-- apart without overlap, pixels.
local slope = require "charts.slope"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "t", type = "ordinal" }, y = { field = "v", type = "quantitative" },
  color = { field = "c", type = "nominal" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
local ROWS = { { t = "2010", c = "a", v = 10 }, { t = "2020", c = "a", v = 30 }, { t = "2010", c = "b", v = 10.2 },
  { t = "2020", c = "b", v = 5 }, { t = "2010", c = "c", v = 10.1 }, { t = "2020", c = "c", v = 20 } }

describe("charts.slope", function()
  local light = themes.get("light")
  it("maps both ends linearly between the top and bottom", function()
    local l = slope.layout(fixture.spec("slope", ROWS, ENC), light, BOX)
    local a, b = l.lines[1], l.lines[2]
    assert.equal(l.top, a.y1)             -- 30 is the highest value
    assert.equal(l.bottom, b.y1)          -- 5 the lowest
    local t = (10 - 5) / 25
    assert.is_true(math.abs(a.y0 - (l.bottom - t * (l.bottom - l.top))) < 1e-9)
    assert.same({ "2010", "2020" }, l.keys)
  end)
  it("counts a category that has only the second value (found by fuzz_render)", function()
    local rows = { { t = "2010", c = "a", v = 10 }, { t = "2020", c = "b", v = 40 } }
    local l = slope.layout(fixture.spec("slope", rows, ENC), light, BOX)
    local b = l.lines[2]
    assert.is_nil(b.y0)
    assert.equal(l.top, b.y1)   -- 40 is the top of the domain, not NaN
    assert.equal(l.bottom, l.lines[1].y0)
  end)

  it("pushes crowded labels at least a line apart", function()
    local l = slope.layout(fixture.spec("slope", ROWS, ENC), light, BOX)
    local ys = {}
    for _, line in ipairs(l.lines) do ys[#ys + 1] = line.label_y0 end
    table.sort(ys)
    local lh = require("layout.text").line_height(l.font)
    for i = 2, #ys do assert.is_true(ys[i] - ys[i - 1] >= lh + 1 - 1e-9) end
    local items = slope.spread({ { want = 5 }, { want = 5 }, { want = 5 } }, 10, 0, 100)
    assert.same({ 5, 15, 25 }, { items[1].y, items[2].y, items[3].y })
    items = slope.spread({ { want = 99 }, { want = 100 } }, 10, 0, 100)
    assert.same({ 90, 100 }, { items[1].y, items[2].y })
  end)
  it("needs exactly two x values and a colour", function()
    local err = render.fails({ type = "slope", data = { values = { { t = "2010", c = "a", v = 1 } } }, encoding = ENC })
    assert.equal("invalid_data", err.code)
    assert.truthy(err.message:find('exactly 2 values of "t"', 1, true))
    assert.equal("encoding.color", render.fails({ type = "slope", data = { values = ROWS },
      encoding = { x = ENC.x, y = ENC.y } }).path)
  end)
  it("describes the changes; 100,000 rows", function()
    local spec = fixture.spec("slope", ROWS, ENC)
    assert.equal("Slope chart of v from 2010 to 2020 for 3 categories. 2 of 3 rose; the largest rise is a (10 to 30); "
      .. "the smallest change is b (10.2 to 5).", slope.describe(spec, slope.layout(spec, light, BOX)))
    local rows = render.rows(100000, function(i) return { t = i % 2 == 0 and "x" or "y", c = "c" .. i % 40,
      v = i % 9 } end)
    assert.equal(40, #slope.layout(fixture.spec("slope", rows, ENC), light, BOX).lines)
  end)
end)

describe("charts.slope rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("draws each line from its left value to its right value (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local img = render.png({ type = "slope", data = { values = ROWS }, encoding = ENC, theme = name })
      local l = slope.layout(fixture.spec("slope", ROWS, ENC, nil, { theme = name }), theme, BOX)
      local a = l.lines[1]
      local x = l.x0 + (l.x1 - l.x0) * 0.75
      assert.equal(a.color, render.at(img, x, a.y0 + (a.y1 - a.y0) * 0.75))
      assert.equal(theme.background, render.at(img, x, a.y0 + (a.y1 - a.y0) * 0.75 - 10))
    end)
  end
end)
