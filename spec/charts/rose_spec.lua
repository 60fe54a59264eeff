-- Tests for charts.rose: equal angles, radii by the square root (area ∝ value), stacking, bad input, pixels.
local rose = require "charts.rose"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "k" }, y = { field = "v" } }
local ROWS = { { k = "N", v = 100 }, { k = "E", v = 25 }, { k = "S", v = 64 }, { k = "W", v = 9 } }

describe("charts.rose", function()
  local l = cat.layout(rose, cat.spec("rose", ROWS, ENC))

  it("gives each category an equal angle and a radius growing with the square root", function()
    assert.equal(4, #l.wedges)
    for i, v in ipairs({ 100, 25, 64, 9 }) do
      local w = l.wedges[i]
      cat.near(l.r * math.sqrt(v / 100), w.r1, 1e-9, "radius " .. i)
      cat.near(math.pi / 2 - rose.GAP, w.a1 - w.a0)
    end
    -- Areas are proportional: N is 4 × E.
    cat.near(4, (l.wedges[1].r1 / l.wedges[2].r1) ^ 2)
  end)

  it("stacks colour series outwards", function()
    local rows = { { k = "a", c = "x", v = 1 }, { k = "a", c = "y", v = 3 }, { k = "b", c = "x", v = 2 },
      { k = "c", c = "x", v = 1 } }
    local ll = cat.layout(rose, cat.spec("rose", rows, { x = ENC.x, y = ENC.y, color = { field = "c" } }))
    local a_x, a_y = ll.wedges[1], ll.wedges[2]
    cat.near(a_x.r1, a_y.r0)
    cat.near(ll.r, a_y.r1)
    cat.near(ll.r * math.sqrt(1 / 4), a_x.r1)
  end)

  it("rejects a negative value naming the row", function()
    local err = cat.error({ type = "rose", data = { values = { { k = "a", v = -3 } } }, encoding = ENC })
    assert.equal('encoding.y.field: rose wedges need values ≥ 0; row 1 has -3 in "v"', err.message)
  end)

  it("names a missing encoding and survives one row and 100,000 rows", function()
    assert.equal("missing_encoding", cat.error({ type = "rose", data = { values = ROWS },
      encoding = { x = ENC.x } }).code)
    local one = cat.layout(rose, cat.spec("rose", { { k = "a", v = 2 } }, ENC))
    cat.near(one.r, one.wedges[1].r1)
    local rows = cat.rows(100000, function(i) return { k = "k" .. (i % 8), v = i % 5 } end)
    assert.equal(800, cat.render({ type = "rose", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints each wedge (" .. theme_name .. ")", function()
      local img = cat.render({ type = "rose", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local ll = cat.layout(rose, cat.spec("rose", ROWS, ENC, nil, { theme = theme_name }))
      for _, w in ipairs(ll.wedges) do
        local am, rm = (w.a0 + w.a1) / 2, w.r1 * 0.6
        assert.equal(w.color, img:hex(ll.cx + rm * math.cos(am), ll.cy + rm * math.sin(am)))
      end
    end)
  end

  it("centres each wedge on its direction (N straddles 12 o'clock)", function()
    local w = l.wedges[1]
    cat.near(-math.pi / 2, (w.a0 + w.a1) / 2, 1e-9)
    cat.near(0, (l.wedges[2].a0 + l.wedges[2].a1) / 2, 1e-9) -- E at 3 o'clock
  end)
end)
