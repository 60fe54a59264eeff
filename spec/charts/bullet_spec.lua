-- Tests for charts.bullet: per-row scales, bar and target positions, ranges, bad input, pixels.
local bullet = require "charts.bullet"
local cat = require "charts.shared.catalogue"

local ENC = { y = { field = "m" }, x = { field = "v" }, target = { field = "t" }, range1 = { field = "r1" },
  range2 = { field = "r2" } }
local ROWS = { { m = "Revenue", v = 50, t = 80, r1 = 40, r2 = 70 }, { m = "Profit", v = 7, t = 5, r1 = 3, r2 = 6 } }

describe("charts.bullet", function()
  local l = cat.layout(bullet, cat.spec("bullet", ROWS, ENC))

  it("gives each row a nice scale from zero with bar, target and three ranges", function()
    local r = l.rows[1]
    assert.same({ 0, 80 }, { r.min, r.max })
    cat.near(r.width * 50 / 80, r.bar.width)
    cat.near(r.x0, r.bar.x)
    cat.near(r.x0 + r.width, r.target_mark.x)
    assert.equal(3, #r.ranges)
    cat.near(r.width * 40 / 80, r.ranges[1].width)
    cat.near(r.width * 30 / 80, r.ranges[2].width)
    local p = l.rows[2]
    assert.same({ 0, 7 }, { p.min, p.max })
    cat.near(p.width, p.bar.width)
  end)

  it("describes the rows", function()
    assert.equal("Bullet graph of 2 measures: Revenue 50 (below target 80); Profit 7 (meets target 5).",
      bullet.describe(nil, l))
  end)

  it("works without target and ranges, with one row and with 100,000 rows", function()
    local one = cat.layout(bullet, cat.spec("bullet", { { m = "a", v = 3 } }, { y = ENC.y, x = ENC.x }))
    assert.equal(1, #one.rows[1].ranges)
    assert.is_nil(one.rows[1].target_mark)
    assert.equal("missing_encoding", cat.error({ type = "bullet", data = { values = ROWS },
      encoding = { y = ENC.y } }).code)
    local rows = cat.rows(100000, function(i) return { m = "m" .. (i % 4), v = i % 9 } end)
    assert.equal(800, cat.render({ type = "bullet", data = { values = rows }, encoding = { y = ENC.y,
      x = ENC.x } }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints the value bar and the target (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local img = cat.render({ type = "bullet", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local ll = cat.layout(bullet, cat.spec("bullet", ROWS, ENC, nil, { theme = theme_name }))
      local r = ll.rows[1]
      assert.equal(theme.palette[1], img:hex(r.bar.x + r.bar.width / 2, r.bar.y + r.bar.height / 2))
      assert.equal(r.ranges[3].color, img:hex(r.x0 + r.width * 0.9, r.y + 2))
    end)
  end
end)
