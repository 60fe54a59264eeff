-- Tests for charts.waterfall: exact running totals, the total bar, colours, bad input, pixels.
local waterfall = require "charts.waterfall"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
-- The two "Loss" rows are one category: summed to -35.
local ROWS = { { k = "Start", v = 100 }, { k = "Loss", v = -30 }, { k = "Gain", v = 45 }, { k = "Loss", v = -5 } }

describe("charts.waterfall", function()
  local light = themes.get("light")
  it("floats each change between exact running totals, then the total from zero", function()
    local l = waterfall.layout(fixture.spec("waterfall", ROWS, ENC), light, BOX)
    local got = {}
    for i, s in ipairs(l.steps) do got[i] = { s.label, s.start, s.finish, s.kind } end
    assert.same({ { "Start", 0, 100, "increase" }, { "Loss", 100, 65, "decrease" }, { "Gain", 65, 110, "increase" },
      { "Total", 0, 110, "total" } }, got)
    local sy = l.frame.y.scale
    local loss = l.steps[2]
    assert.is_true(math.abs(loss.rect.y - sy(100)) < 1e-9 and math.abs(loss.rect.y + loss.rect.h - sy(65)) < 1e-9)
    local cols = waterfall.colors(light)
    assert.equal(cols.decrease, loss.color)
    assert.equal(light.palette[1], cols.total)
    -- Connector from Start's top to Loss's left edge at 100.
    assert.same({ l.steps[1].rect.x + l.steps[1].rect.w, sy(100), loss.rect.x, sy(100) }, l.links[1])
  end)
  it("leaves the total out, renames it, describes", function()
    local spec = fixture.spec("waterfall", ROWS, ENC, { total = false })
    local l = waterfall.layout(spec, light, BOX)
    assert.equal(3, #l.steps)
    l = waterfall.layout(fixture.spec("waterfall", ROWS, ENC, { total_label = "Net" }), light, BOX)
    assert.equal("Net", l.steps[4].label)
    assert.equal("Waterfall chart of v over 3 steps, ending at a running total of 110. Largest increase: Start (+100). "
      .. "Largest decrease: Loss (-35).", waterfall.describe(spec, l))
  end)
  it("names a missing y; one row; 100,000 rows", function()
    assert.equal("encoding.y", render.fails({ type = "waterfall", data = { values = ROWS },
      encoding = { x = ENC.x } }).path)
    local l = waterfall.layout(fixture.spec("waterfall", { { k = "a", v = -4 } }, ENC), light, BOX)
    assert.equal(-4, l.steps[2].finish)
    local rows = render.rows(100000, function(i) return { k = "k" .. i % 20, v = i % 2 == 0 and 1 or -2 } end)
    assert.equal(21, #waterfall.layout(fixture.spec("waterfall", rows, ENC), light, BOX).steps)
  end)
end)

describe("charts.waterfall rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("paints the decrease between its running totals (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local img = render.png({ type = "waterfall", data = { values = ROWS }, encoding = ENC, theme = name })
      local l = waterfall.layout(fixture.spec("waterfall", ROWS, ENC, nil, { theme = name }), theme, BOX)
      local r = l.steps[2].rect
      assert.equal(l.steps[2].color, render.at(img, r.x + r.w / 2, r.y + r.h / 2))
      local below = render.at(img, r.x + r.w / 2, r.y + r.h + 6)
      assert.is_true(below == theme.background or below == theme.grid, below)
      local t = l.steps[4].rect
      assert.equal(waterfall.colors(theme).total, render.at(img, t.x + t.w / 2, t.y + t.h - 3))
    end)
  end
end)
