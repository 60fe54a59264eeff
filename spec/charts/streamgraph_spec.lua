-- Tests for charts.streamgraph: centred and wiggle baselines, layout on the
-- area chart, bad input and pixels.
local stream = require "charts.streamgraph"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" },
  color = { field = "s", type = "nominal" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
local ROWS = { { t = 0, s = "a", v = 2 }, { t = 0, s = "b", v = 4 }, { t = 1, s = "a", v = 6 }, { t = 1, s = "b",
  v = 2 },
  { t = 2, s = "a", v = 1 }, { t = 2, s = "b", v = -3 } }

describe("charts.streamgraph offsets", function()
  local light = themes.get("light")
  it("centres every stack on zero (center)", function()
    local l = stream.layout(fixture.spec("streamgraph", ROWS, ENC, { offset = "center" }), light, BOX)
    local a, b = l.model.series[1], l.model.series[2]
    assert.same({ -3, -4, -0.5 }, a.y0)
    assert.same({ -1, 2, 0.5 }, a.y1)
    assert.same({ -1, 2, 0.5 }, b.y0)
    assert.same({ 3, 4, 0.5 }, b.y1)  -- a negative value has no thickness
    assert.equal(-4, l.model.y_min); assert.equal(4, l.model.y_max)
  end)
  it("keeps a constant stream flat and centred (wiggle)", function()
    local rows = {}
    for t = 0, 3 do rows[#rows + 1] = { t = t, s = "a", v = 2 }; rows[#rows + 1] = { t = t, s = "b", v = 4 } end
    local l = stream.layout(fixture.spec("streamgraph", rows, ENC), light, BOX)
    assert.equal("wiggle", l.offset)
    for i = 1, 4 do
      assert.equal(-3, l.model.series[1].y0[i])
      assert.equal(3, l.model.series[2].y1[i])
    end
  end)
  it("moves the baseline against a growing bottom layer (wiggle)", function()
    -- Layer a (bottom) grows by 4 while b stays: d3's wiggle moves the baseline by
    -- -Σ (Δbelow + Δs/2)·s / Σ s = -((0 + 2)·6 + (4 + 0)·2) / 8 = -2.5.
    local rows = { { t = 0, s = "a", v = 2 }, { t = 0, s = "b", v = 2 }, { t = 1, s = "a", v = 6 }, { t = 1, s = "b",
      v = 2 } }
    local m = stream.layout(fixture.spec("streamgraph", rows, ENC), light, BOX).model
    local g = stream.baselines(m, "wiggle")
    assert.is_true(math.abs((g[2] - g[1]) - (-2.5)) < 1e-12)
  end)
end)

describe("charts.streamgraph input", function()
  it("names a missing encoding, draws one row and 100,000 rows", function()
    local err = render.fails({ type = "streamgraph", data = { values = ROWS }, encoding = { y = ENC.y } })
    assert.equal("encoding.x", err.path)
    local light = themes.get("light")
    local l = stream.layout(fixture.spec("streamgraph", { { t = 1, s = "a", v = 3 } }, ENC), light, BOX)
    assert.equal(1, #l.series[1].tops[1])
    local rows = render.rows(100000, function(i) return { t = i // 4, s = "s" .. i % 4, v = i % 13 } end)
    stream.layout(fixture.spec("streamgraph", rows, ENC), light, BOX)
  end)
  it("describes the largest layer and the thickest point", function()
    local spec = fixture.spec("streamgraph", ROWS, ENC)
    local text = stream.describe(spec, stream.layout(spec, themes.get("light"), BOX))
    assert.truthy(text:find("a is the largest layer; the stream is thickest at 1 (8 in all).", 1, true), text)
  end)
end)

describe("charts.streamgraph rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("fills around the centre line and leaves the rest empty (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = {}
      for t = 0, 4 do rows[#rows + 1] = { t = t, s = "a", v = 5 }; rows[#rows + 1] = { t = t, s = "b", v = 5 } end
      local raw = { type = "streamgraph", data = { values = rows }, encoding = ENC, theme = name,
        options = { offset = "center" } }
      local img = render.png(raw)
      local l = stream.layout(fixture.spec("streamgraph", rows, ENC, { offset = "center" }, { theme = name }), theme,
        BOX)
      local p = l.frame.plot
      local top = l.series[2].tops[1][1][2]        -- y of +5
      local mid = (l.series[1].tops[1][1][2] + top) / 2
      assert.are_not.equal(theme.background, render.at(img, p.x + p.width / 2, mid))
      local above = render.at(img, p.x + p.width / 2 + 13, top - 6)
      assert.is_true(above == theme.background or above == theme.grid, above)
    end)
  end
end)
