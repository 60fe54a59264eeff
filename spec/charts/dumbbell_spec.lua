-- Tests for charts.dumbbell: pairs from y + y2 or from two colour levels
-- (means), the missing second value, positions, pixels.
local dumbbell = require "charts.dumbbell"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 400, height = 300 }
local Y2 = { x = { field = "k", type = "nominal" }, y = { field = "a", type = "quantitative" },
  y2 = { field = "b", type = "quantitative" } }
local COL = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" },
  color = { field = "s", type = "nominal" } }

describe("charts.dumbbell", function()
  local light = themes.get("light")
  it("pairs y with y2 and places both dots on the value axis", function()
    local rows = { { k = "p", a = 10, b = 30 }, { k = "q", a = 50, b = 20 } }
    local l = dumbbell.layout(fixture.spec("dumbbell", rows, Y2), light, BOX)
    assert.same({ "a", "b" }, l.names)
    local val, band = l.frame.y.scale, l.frame.x.scale
    assert.equal(val(10), l.rows[1].pa); assert.equal(val(30), l.rows[1].pb)
    assert.equal(band:center("q"), l.rows[2].c)
    assert.is_true(l.horizontal)
  end)
  it("pairs the means of two colour levels", function()
    local rows = { { k = "p", s = "men", v = 10 }, { k = "p", s = "men", v = 20 }, { k = "p", s = "women", v = 12 } }
    local list, names = dumbbell.pairs(fixture.spec("dumbbell", rows, COL))
    assert.same({ "men", "women" }, names)
    assert.equal(15, list[1].a); assert.equal(12, list[1].b)
  end)
  it("needs y2 or exactly two colours", function()
    local err = render.fails({ type = "dumbbell", data = { values = { { k = "p", v = 1 } } },
      encoding = { x = COL.x, y = COL.y } })
    assert.equal("missing_encoding", err.code)
    assert.equal("encoding.y2", err.path)
    err = render.fails({ type = "dumbbell", data = { values = { { k = "p", s = "a", v = 1 }, { k = "p", s = "b",
      v = 1 },
      { k = "p", s = "c", v = 1 } } }, encoding = COL })
    assert.truthy(err.message:find('exactly 2 values of "s"; found 3', 1, true))
  end)
  it("describes the gaps; one row; 100,000 rows", function()
    local rows = { { k = "p", a = 10, b = 30 }, { k = "q", a = 50, b = 20 } }
    local spec = fixture.spec("dumbbell", rows, Y2)
    assert.equal("Dumbbell chart comparing a and b across 2 categories. b is higher than a in 1 of 2; "
      .. "the largest gap is "
      .. "q (50 vs 20).", dumbbell.describe(spec, dumbbell.layout(spec, light, BOX)))
    assert.equal(1, #dumbbell.layout(fixture.spec("dumbbell", { rows[1] }, Y2), light, BOX).rows)
    local big = render.rows(100000, function(i) return { k = "k" .. i % 30, a = i % 7, b = i % 11 } end)
    assert.equal(30, #dumbbell.layout(fixture.spec("dumbbell", big, Y2), light, BOX).rows)
  end)
end)

describe("charts.dumbbell rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("paints both ends in the two palette colours (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = { { k = "p", a = 10, b = 30 }, { k = "q", a = 50, b = 20 } }
      local img = render.png({ type = "dumbbell", data = { values = rows }, encoding = Y2, theme = name })
      local l = dumbbell.layout(fixture.spec("dumbbell", rows, Y2, nil, { theme = name }), theme, BOX)
      local r = l.rows[1]
      assert.equal(l.colors[1], render.at(img, r.pa, r.c))
      assert.equal(l.colors[2], render.at(img, r.pb, r.c))
      assert.are_not.equal(theme.background, render.at(img, (r.pa + r.pb) / 2, r.c))
    end)
  end
end)
