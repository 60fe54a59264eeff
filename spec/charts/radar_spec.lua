-- Tests for charts.radar: spoke angles, vertex radii on the shared scale,
-- bad input, pixels in light and dark.
local radar = require "charts.radar"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "k" }, y = { field = "v" } }
local ROWS = { { k = "a", v = 10 }, { k = "b", v = 5 }, { k = "c", v = 2.5 }, { k = "d", v = 7.5 } }

describe("charts.radar layout", function()
  local l = cat.layout(radar, cat.spec("radar", ROWS, ENC))

  it("puts the first spoke straight up and the rest clockwise at equal angles", function()
    cat.near(-math.pi / 2, l.spokes[1].angle)
    cat.near(0, l.spokes[2].angle)
    cat.near(math.pi / 2, l.spokes[3].angle)
    cat.near(l.cx, l.spokes[1].x)
  end)

  it("places each vertex at radius r × value / max of the nice scale", function()
    assert.equal(10, l.max)
    local pts = l.polys[1].points
    for i, v in ipairs({ 10, 5, 2.5, 7.5 }) do
      cat.near(l.r * v / 10, pts[i].r, 1e-9, "radius " .. i)
      cat.near(l.r * v / 10, math.sqrt((pts[i][1] - l.cx) ^ 2 + (pts[i][2] - l.cy) ^ 2), 1e-9)
    end
    -- The outermost ring's value would sit on the top spoke's name: left out.
    assert.same({ 2, 4, 6, 8 }, { l.rings[1].value, l.rings[2].value, l.rings[3].value, l.rings[4].value,
      l.rings[5] and l.rings[5].value })
  end)

  it("describes the extremes", function()
    local spec = cat.spec("radar", ROWS, ENC)
    assert.equal("Radar chart of v across 4 k. Highest a (10), lowest c (2.5).", radar.describe(spec, l))
  end)
end)

describe("charts.radar bad input", function()
  it("needs at least three categories", function()
    local err = cat.error({ type = "radar", data = { values = { { k = "a", v = 1 }, { k = "b", v = 2 } } },
      encoding = ENC })
    assert.equal('encoding.x.field: a radar chart needs at least 3 categories in "k"; the data has 2', err.message)
  end)

  it("rejects negative values", function()
    local err = cat.error({ type = "radar", data = { values = { { k = "a", v = 1 }, { k = "b", v = -2 },
      { k = "c", v = 1 } } }, encoding = ENC })
    assert.equal("invalid_data", err.code)
    assert.truthy(err.message:find("b has -2", 1, true))
  end)

  it("names a missing encoding", function()
    local err = cat.error({ type = "radar", data = { values = ROWS }, encoding = { x = ENC.x } })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.y: the radar chart needs encoding.y", 1, true))
  end)

  it("handles 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { k = "k" .. (i % 6), v = i % 10 } end)
    assert.equal(800, cat.render({ type = "radar", data = { values = rows }, encoding = ENC }).width)
  end)
end)

describe("charts.radar rendering", function()
  for _, theme_name in ipairs({ "light", "dark" }) do
    it("marks every vertex in the series colour (" .. theme_name .. ")", function()
      local img = cat.render({ type = "radar", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local l = cat.layout(radar, cat.spec("radar", ROWS, ENC, nil, { theme = theme_name }))
      for _, pt in ipairs(l.polys[1].points) do assert.equal(l.polys[1].color, img:hex(pt[1], pt[2])) end
      assert.equal(require("themes").get(theme_name).background, img:hex(1, 1))
    end)
  end
end)
