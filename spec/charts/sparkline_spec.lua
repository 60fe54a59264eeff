-- Tests for charts.sparkline: fits 120 × 30, min/max/last markers, bad input, pixels.
local sparkline = require "charts.sparkline"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "t" }, y = { field = "v" } }
local ROWS = { { t = 1, v = 5 }, { t = 2, v = 9 }, { t = 3, v = 1 }, { t = 4, v = 4 } }

describe("charts.sparkline", function()
  it("fits 120 × 30 with markers on min, max and last, no label", function()
    local spec = cat.spec("sparkline", ROWS, ENC, nil, { width = 120, height = 30 })
    local l = cat.layout(sparkline, spec)
    assert.same({ 3, 2, 4 }, { l.min.index, l.max.index, l.last.index })
    assert.is_nil(l.label)
    for _, pt in pairs(l.points) do
      assert.is_true(pt[1] - l.radius >= 0 and pt[1] + l.radius <= 120)
      assert.is_true(pt[2] - l.radius >= 0 and pt[2] + l.radius <= 30)
    end
    cat.near(l.plot.y, l.max[2]); cat.near(l.plot.y + l.plot.height, l.min[2])
    assert.equal("Sparkline of v over 4 points, from 5 (1) to 4 (4); low 1 (3), high 9 (2).",
      sparkline.describe(spec, l))
  end)

  it("writes the last value when wide enough", function()
    local l = cat.layout(sparkline, cat.spec("sparkline", ROWS, ENC, nil, { width = 300, height = 40 }))
    assert.equal("4", l.label.text)
  end)

  it("handles one point, a missing encoding and 100,000 rows", function()
    local one = cat.layout(sparkline, cat.spec("sparkline", { { t = 1, v = 3 } }, ENC, nil, { width = 120,
      height = 30 }))
    assert.equal(1, one.last.index)
    assert.equal("missing_encoding", cat.error({ type = "sparkline", data = { values = ROWS },
      encoding = { x = ENC.x } }).code)
    local rows = cat.rows(100000, function(i) return { t = i, v = math.sin(i / 1000) } end)
    assert.equal(120, cat.render({ type = "sparkline", data = { values = rows }, encoding = ENC, width = 120,
      height = 30 }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints the markers (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local img = cat.render({ type = "sparkline", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 120, height = 30 })
      local l = cat.layout(sparkline, cat.spec("sparkline", ROWS, ENC, nil, { theme = theme_name, width = 120,
        height = 30 }))
      assert.equal(theme.foreground, img:hex(l.last[1], l.last[2]))
      assert.equal(theme.palette[1], img:hex(l.max[1], l.max[2]))
      assert.equal(theme.background, img:hex(1, 1))
    end)
  end
end)
