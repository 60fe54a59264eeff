-- Tests for charts.ecdf: steps at exact fractions, ties, groups, bad input, pixels.
local ecdf = require "charts.ecdf"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local X = { x = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

describe("charts.ecdf", function()
  local light = themes.get("light")
  it("steps by k/n at each distinct value", function()
    assert.same({ { 1, 0.2 }, { 2, 0.6 }, { 5, 0.8 }, { 9, 1.0 } }, ecdf.steps({ 5, 2, 9, 1, 2 }))
    assert.same({ { 3, 1 } }, ecdf.steps({ 3 }))
  end)
  it("places the steps on the frame's scales", function()
    local rows = { { v = 0 }, { v = 10 }, { v = 10 }, { v = 20 } }
    local l = ecdf.layout(fixture.spec("ecdf", rows, X), light, BOX)
    local sx, sy = l.frame.x.scale, l.frame.y.scale
    local r = l.groups[1].runs[1]
    -- From the left edge at 0, then 0.25 at v=0, 0.75 at v=10, 1 at v=20, to the right edge.
    assert.same({ sx(0), sy(0) }, r[4])
    assert.same({ sx(0), sy(0.25) }, r[5])
    assert.same({ sx(10), sy(0.25) }, r[6])
    assert.same({ sx(10), sy(0.75) }, r[7])
    assert.same({ sx(20), sy(1) }, r[9])
    assert.equal("25%", l.frame.y.ticks[2].label)
  end)
  it("describes medians and 90th percentiles per group", function()
    local rows = {}
    for i = 1, 10 do rows[#rows + 1] = { v = i, g = "a" }; rows[#rows + 1] = { v = i * 10, g = "b" } end
    local spec = fixture.spec("ecdf", rows, { x = X.x, color = { field = "g", type = "nominal" } })
    assert.equal("Cumulative distribution (ECDF) of v from 20 values. a: half at or below 5.5, 90% at or below 9.1; "
      .. "b: half at or below 55, 90% at or below 91.", ecdf.describe(spec, ecdf.layout(spec, light, BOX)))
  end)
  it("names a missing x, rejects a nominal x, handles 100,000 values", function()
    assert.equal("encoding.x", render.fails({ type = "ecdf", data = { values = { { v = 1 } } }, encoding = {} }).path)
    assert.equal("encoding.x.type",
      render.fails({ type = "ecdf", data = { values = { { v = "a" } } }, encoding = X }).path)
    local rows = render.rows(100000, function(i) return { v = (i * 7919) % 100003 } end)
    local l = ecdf.layout(fixture.spec("ecdf", rows, X), light, BOX)
    assert.equal(100000, #l.groups[1].steps)
  end)
end)

describe("charts.ecdf rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("draws the 50% level between the two middle values (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = { { v = 0 }, { v = 10 }, { v = 20 }, { v = 30 } }
      local img = render.png({ type = "ecdf", data = { values = rows }, encoding = X, theme = name })
      local l = ecdf.layout(fixture.spec("ecdf", rows, X, nil, { theme = name }), theme, BOX)
      local sx, sy = l.frame.x.scale, l.frame.y.scale
      assert.equal(l.groups[1].color, render.at(img, sx(15), sy(0.5)))
      assert.are_not.equal(l.groups[1].color, render.at(img, sx(15), sy(0.5) - 6))
    end)
  end
end)
