-- Tests for charts.step (a line variant): corner geometry for the three
-- step modes, layout on known data, bad input, and pixels (plus SVG/PDF).
local reduce = require "charts.shared.reduce"
local step = require "charts.step"
local line = require "charts.line"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local XY = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

describe("charts.step geometry", function()
  local run = { { 0, 10 }, { 10, 20 }, { 30, 5 } }
  it("holds each value until the next x (after)", function()
    assert.same({ { { 0, 10 }, { 10, 10 }, { 10, 20 }, { 30, 20 }, { 30, 5 } } }, line.step_runs({ run }, "after"))
  end)
  it("jumps at the point's own x (before) and half-way (mid)", function()
    assert.same({ { { 0, 10 }, { 0, 20 }, { 10, 20 }, { 10, 5 }, { 30, 5 } } }, line.step_runs({ run }, "before"))
    assert.same({ { { 0, 10 }, { 5, 10 }, { 5, 20 }, { 10, 20 }, { 20, 20 }, { 20, 5 }, { 30, 5 } } },
      line.step_runs({ run }, "mid"))
  end)

  it("lays out a series with a corner between every pair of points", function()
    local spec = fixture.spec("step", { { t = 0, v = 1 }, { t = 1, v = 3 }, { t = 2, v = 2 } }, XY)
    local l = step.layout(spec, themes.get("light"), BOX)
    local r = l.series[1].runs[1]
    assert.equal(5, #r)
    assert.equal(r[1][2], r[2][2])       -- flat at v=1 until t=1
    assert.equal(r[2][1], r[3][1])       -- then straight up at t=1
    assert.equal(l.series[1].points[2][2], r[3][2])
  end)
end)

describe("charts.step input", function()
  it("names a missing encoding", function()
    local err = render.fails({ type = "step", data = { values = { { t = 1, v = 2 } } }, encoding = { x = XY.x } })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.y: the step chart needs encoding.y", 1, true))
  end)
  it("draws one point and 100,000 points", function()
    local l = step.layout(fixture.spec("step", { { t = 1, v = 1 } }, XY), themes.get("light"), BOX)
    assert.equal(1, #l.series[1].points)
    local rows = render.rows(100000, function(i) return { t = i, v = i % 7 } end)
    l = step.layout(fixture.spec("step", rows, XY), themes.get("light"), BOX)
    -- reduced per pixel column first (charts.shared.reduce), then the corners added
    local drawn = l.drawing.drawn
    assert.equal("m4", l.drawing.method)
    assert.is_true(drawn <= 4 * reduce.SUB * math.ceil(l.frame.plot.width) + 4, drawn)
    assert.equal(2 * drawn - 1, #l.series[1].runs[1])
  end)
  it("describes the data", function()
    local spec = fixture.spec("step", { { t = 0, v = 1 }, { t = 1, v = 3 } }, XY)
    assert.equal("Step line chart of v by t. Highest: t = 1 (3); lowest: t = 0 (1). Rises from 1 in 0 to 3 in 1.",
      step.describe(spec, step.layout(spec, themes.get("light"), BOX)))
  end)
end)

describe("charts.step rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("draws the held level between two points (" .. name .. ")", function()
      local rows = { { t = 0, v = 30 }, { t = 1, v = 50 }, { t = 2, v = 10 } }
      local img = render.png({ type = "step", data = { values = rows }, encoding = XY, theme = name,
        options = { points = false } })
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local l = step.layout(fixture.spec("step", rows, XY, { points = false }, { theme = name }), theme, BOX)
      local r = l.series[1].runs[1]
      -- The first level (v=30) runs flat from t=0 to t=1: its middle is the line's colour,
      -- while a diagonal (plain line) would pass well above it there.
      local x, y = (r[1][1] + r[2][1]) / 2, r[1][2]
      assert.equal(l.series[1].color, render.at(img, x, y))
      assert.equal(theme.background, render.at(img, 2, 2))
      assert.are_not.equal(l.series[1].color, render.at(img, x, y - 8))
    end)
  end
  it("renders SVG and PDF", function()
    local raw = { type = "step", data = step.sample.data, encoding = step.sample.encoding, format = "svg" }
    local pipeline = require "pipeline"
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
