-- Tests for charts.sunburst: nested angles proportional to sums, bad input, pixels.
local sunburst = require "charts.sunburst"
local cat = require "charts.shared.catalogue"

local TAU = 2 * math.pi
local ENC = { level1 = { field = "a" }, level2 = { field = "b" }, size = { field = "v" } }
local ROWS = { { a = "X", b = "x1", v = 30 }, { a = "X", b = "x2", v = 10 }, { a = "Y", b = "y1", v = 60 } }

describe("charts.sunburst", function()
  local l = cat.layout(sunburst, cat.spec("sunburst", ROWS, ENC))

  it("gives each arc an angle proportional to its sum, nested in its parent", function()
    local root = l.root
    assert.equal(100, root.value)
    local y, x = root.children[1], root.children[2] -- largest first
    assert.same({ "Y", "X" }, { y.label, x.label })
    cat.near(TAU * 0.6, y.a1 - y.a0)
    cat.near(-math.pi / 2, y.a0)
    cat.near(TAU * 0.4, x.a1 - x.a0)
    local x1, x2 = x.children[1], x.children[2]
    cat.near(x.a0, x1.a0); cat.near(x.a1, x2.a1)
    cat.near(TAU * 0.3, x1.a1 - x1.a0)
    cat.near(x1.r1, x1.r0 + (l.r - l.hole) / 2)
    assert.equal(l.hole, y.r0)
  end)

  it("rejects a negative value naming the row and names a missing level", function()
    local err = cat.error({ type = "sunburst", data = { values = { { a = "X", b = "x", v = -1 } } }, encoding = ENC })
    assert.equal('encoding.size.field: sunburst arcs need values ≥ 0; row 1 has -1 in "v"', err.message)
    err = cat.error({ type = "sunburst", data = { values = ROWS }, encoding = { level1 = ENC.level1,
      size = ENC.size } })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.level2:", 1, true))
  end)

  it("draws one row as full rings and survives 100,000 rows", function()
    local one = cat.layout(sunburst, cat.spec("sunburst", { { a = "X", b = "x", v = 1 } }, ENC))
    cat.near(TAU, one.arcs[1].a1 - one.arcs[1].a0)
    local rows = cat.rows(100000, function(i) return { a = "a" .. (i % 4), b = "b" .. (i % 9), v = 1 } end)
    assert.equal(800, cat.render({ type = "sunburst", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints each arc (" .. theme_name .. ")", function()
      local img = cat.render({ type = "sunburst", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400, options = { labels = false } })
      local ll = cat.layout(sunburst, cat.spec("sunburst", ROWS, ENC, { labels = false }, { theme = theme_name }))
      for _, a in ipairs(ll.arcs) do
        local am, rm = (a.a0 + a.a1) / 2, (a.r0 + a.r1) / 2
        assert.equal(a.color, img:hex(ll.cx + rm * math.cos(am), ll.cy + rm * math.sin(am)))
      end
      assert.equal(require("themes").get(theme_name).background, img:hex(ll.cx, ll.cy + ll.hole / 2))
    end)
  end
end)
