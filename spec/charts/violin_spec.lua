-- Tests for charts.violin: symmetric outlines on a shared width scale,
-- quartiles, bad input and pixels.
local violin = require "charts.violin"
local kde = require "charts.shared.kde"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "g", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

local function rows_of(groups)
  local out = {}
  for g, vals in pairs(groups) do for _, v in ipairs(vals) do out[#out + 1] = { g = g, v = v } end end
  table.sort(out, function(a, b) if a.g ~= b.g then return a.g < b.g end return a.v < b.v end)
  return out
end

describe("charts.violin layout", function()
  local light = themes.get("light")
  it("mirrors each density around its band's centre; the widest peak fills the violin width", function()
    local rows = rows_of({ a = { 1, 2, 2, 3, 3, 3, 4, 4, 5 }, b = { 1, 3, 5, 7, 9 } })
    local l = violin.layout(fixture.spec("violin", rows, ENC), light, BOX)
    assert.equal(2, #l.groups)
    local widest = 0
    for _, g in ipairs(l.groups) do
      local o, m = g.outline, #g.outline / 2
      for j = 1, m do
        local r, left = o[j], o[#o - j + 1]
        assert.is_true(math.abs((r[1] - g.center) - (g.center - left[1])) < 1e-9)
        assert.equal(r[2], left[2])
        widest = math.max(widest, r[1] - g.center)
      end
      assert.is_true(math.abs(kde.area(g.curve) - 1) < 0.01)
    end
    assert.is_true(math.abs(widest - l.half) < 1e-9)
    local a = l.groups[1]
    assert.equal(2, a.q1); assert.equal(3, a.median); assert.equal(4, a.q3)
    assert.equal(l.frame.y.scale(3), a.median_y)
  end)
  it("describes the medians", function()
    local spec = fixture.spec("violin", rows_of({ a = { 1, 2, 3 }, b = { 5, 6, 7 } }), ENC)
    assert.equal("Violin plot of v by g for 2 groups: medians range from a (2) to b (6).",
      violin.describe(spec, violin.layout(spec, light, BOX)))
  end)
  it("names a missing y, errors on no numbers, draws one value and 100,000", function()
    assert.equal("encoding.y", render.fails({ type = "violin", data = { values = { { g = "a", v = 1 } } },
      encoding = { x = ENC.x } }).path)
    local err = render.fails({ type = "violin", data = { values = { { g = "a", v = "x" }, { g = "b" } } },
      encoding = { x = ENC.x, y = { field = "v" } } })
    assert.equal("encoding.y.type", err.path)
    local one = violin.layout(fixture.spec("violin", { { g = "a", v = 3 } }, ENC), light, BOX)
    assert.equal(1, #one.groups)
    local rows = render.rows(100000, function(i) return { g = "g" .. i % 5, v = (i * 37) % 1000 } end)
    violin.layout(fixture.spec("violin", rows, ENC), light, BOX)
  end)
end)

describe("charts.violin rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("fills the violin beside the median and leaves the band's edge empty (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = rows_of({ a = { 1, 2, 2, 3, 3, 3, 4, 4, 5 } })
      local img = render.png({ type = "violin", data = { values = rows }, encoding = ENC, theme = name })
      local l = violin.layout(fixture.spec("violin", rows, ENC, nil, { theme = name }), theme, BOX)
      local g = l.groups[1]
      local want = require("layout.color").mix(l.color, theme.background, 1 - violin.FILL_ALPHA)
      local got = render.at(img, g.center + l.half / 2, g.median_y)
      assert.is_true(render.close(got, want, 3), got .. " vs " .. want)
      assert.equal(theme.foreground, render.at(img, g.center, (g.box.y + g.median_y) / 2 - 4))
      local edge = render.at(img, g.center + l.half + 6, g.median_y + 3)
      assert.is_true(edge == theme.background or edge == theme.grid, edge)
    end)
  end
end)
