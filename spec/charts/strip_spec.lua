-- Tests for charts.strip: seeded deterministic jitter inside the band, bad input, pixels.
local strip = require "charts.strip"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "g", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
local ROWS = { { g = "a", v = 1 }, { g = "a", v = 1 }, { g = "a", v = 1 }, { g = "b", v = 4 }, { g = "b", v = 2 } }

describe("charts.strip layout", function()
  local light = themes.get("light")
  it("keeps every dot at its value, jittered within the band's jitter share", function()
    local l = strip.layout(fixture.spec("strip", ROWS, ENC), light, BOX)
    local sy = l.frame.y.scale
    for _, g in ipairs(l.groups) do
      for k, q in ipairs(g.points) do
        assert.equal(sy(g.values[k]), q[2])
        assert.is_true(math.abs(q[1] - g.center) <= strip.JITTER * l.band / 2)
      end
    end
    -- Three equal values do not sit on one spot.
    local a = l.groups[1].points
    assert.is_true(a[1][1] ~= a[2][1] and a[2][1] ~= a[3][1])
  end)
  it("is the same for the same seed and differs for another", function()
    local one = strip.layout(fixture.spec("strip", ROWS, ENC, nil, { seed = 7 }), light, BOX)
    local two = strip.layout(fixture.spec("strip", ROWS, ENC, nil, { seed = 7 }), light, BOX)
    local three = strip.layout(fixture.spec("strip", ROWS, ENC, nil, { seed = 8 }), light, BOX)
    assert.same(one.groups[1].points, two.groups[1].points)
    assert.are_not.same(one.groups[1].points, three.groups[1].points)
    -- Park–Miller from seed 1: 16807 / (2^31 - 1).
    assert.equal(16807 / 2147483647, strip.generator(1)())
  end)
  it("lines the dots up with jitter 0", function()
    local l = strip.layout(fixture.spec("strip", ROWS, ENC, { jitter = 0 }), light, BOX)
    for _, q in ipairs(l.groups[2].points) do assert.equal(l.groups[2].center, q[1]) end
  end)
  it("describes the medians; names a missing y; 100,000 values", function()
    local spec = fixture.spec("strip", ROWS, ENC)
    assert.equal("Strip plot of v by g: 5 values in 2 groups; medians range from a (1) to b (3).",
      strip.describe(spec, strip.layout(spec, light, BOX)))
    assert.equal("encoding.y", render.fails({ type = "strip", data = { values = ROWS },
      encoding = { x = ENC.x } }).path)
    local one = strip.layout(fixture.spec("strip", { { g = "a", v = 1 } }, ENC), light, BOX)
    assert.equal(1, one.count)
    local rows = render.rows(100000, function(i) return { g = "g" .. i % 4, v = i % 1000 } end)
    assert.equal(100000, strip.layout(fixture.spec("strip", rows, ENC), light, BOX).count)
  end)
end)

describe("charts.strip rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("paints a dot where the layout put it (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = { { g = "a", v = 5 }, { g = "a", v = 1 }, { g = "a", v = 9 } }
      local img = render.png({ type = "strip", data = { values = rows }, encoding = ENC, theme = name })
      local l = strip.layout(fixture.spec("strip", rows, ENC, nil, { theme = name }), theme, BOX)
      local q = l.groups[1].points[1]
      local want = require("layout.color").mix(l.groups[1].color, theme.background, 1 - l.alpha)
      assert.is_true(render.close(render.at(img, q[1], q[2]), want, 3))
      assert.equal(theme.background, render.at(img, q[1] + 8, q[2] + 8))
    end)
  end
end)
