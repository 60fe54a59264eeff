-- Tests for charts.density and charts.shared.kde: Silverman's bandwidth,
-- unit area, the mode, bad input and pixels.
local density = require "charts.density"
local kde = require "charts.shared.kde"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local X = { x = { field = "v", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

local function lcg(seed)
  return function()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
end

describe("charts.shared.kde", function()
  it("uses Silverman's rule", function()
    -- 1..5: sd = √2.5, IQR = 2 → 2/1.34 < sd; h = 0.9 · (2/1.34) · 5^-0.2.
    local h = kde.silverman({ 1, 2, 3, 4, 5 })
    assert.is_true(math.abs(h - 0.9 * (2 / 1.34) * 5 ^ -0.2) < 1e-12)
    assert.equal(0.5, kde.silverman({ 5, 5, 5 }))  -- flat data: a tenth of the value
  end)
  it("integrates to 1 (±1%) for small, flat and 100,000 values", function()
    local rnd = lcg(9)
    local xs = {}
    for i = 1, 500 do xs[i] = rnd() + rnd() + rnd() end
    assert.is_true(math.abs(kde.area(kde.estimate(xs)) - 1) < 0.01)
    assert.is_true(math.abs(kde.area(kde.estimate({ 7 })) - 1) < 0.01)
    for i = 1, 100000 do xs[i] = rnd() * 10 end
    local c = kde.estimate(xs)
    assert.is_true(math.abs(kde.area(c) - 1) < 0.01)
  end)
  it("peaks at a single value with the normal density 1/(h√2π)", function()
    local c = kde.estimate({ 0 }, { bandwidth = 1, grid = 201, lo = -5, hi = 5 })
    assert.equal(0, kde.mode(c))
    assert.is_true(math.abs(c.peak - 1 / math.sqrt(2 * math.pi)) < 1e-12)
  end)
end)

describe("charts.density layout", function()
  local light = themes.get("light")
  it("draws one curve per group, each of unit area, on a zero-based y", function()
    local rows = {}
    local rnd = lcg(4)
    for i = 1, 300 do rows[i] = { v = (i % 2 == 0 and 10 or 0) + rnd() * 3, g = i % 2 == 0 and "b" or "a" } end
    local spec = fixture.spec("density", rows, { x = X.x, color = { field = "g", type = "nominal" } })
    local l = density.layout(spec, light, BOX)
    assert.equal(2, #l.groups)
    for _, g in ipairs(l.groups) do assert.is_true(math.abs(kde.area(g.curve) - 1) < 0.01) end
    assert.equal(l.frame.y.scale(0), l.groups[1].base)
    assert.equal("a", l.frame.legend.items[1].label)
    local text = density.describe(spec, l)
    assert.truthy(text:find("^Density plot of v from 300 values %(Gaussian kernel%) for 2 groups of g; peaks: a near"),
      text)
  end)
  it("rejects a nominal x, names a missing x, draws one value", function()
    local err = render.fails({ type = "density", data = { values = { { v = "a" } } }, encoding = X })
    assert.equal("encoding.x.type", err.path)
    err = render.fails({ type = "density", data = { values = { { v = 1 } } }, encoding = {} })
    assert.equal("encoding.x", err.path)
    local l = density.layout(fixture.spec("density", { { v = 3 } }, X), light, BOX)
    assert.equal(kde.GRID, #l.groups[1].points)
  end)
end)

describe("charts.density rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("strokes the curve at its peak (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = {}
      for i = 1, 50 do rows[i] = { v = i % 10 } end
      local img = render.png({ type = "density", data = { values = rows }, encoding = X, theme = name,
        options = { fill = false } })
      local l = density.layout(fixture.spec("density", rows, X, { fill = false }, { theme = name }), theme, BOX)
      local best = l.groups[1].points[1]
      for _, q in ipairs(l.groups[1].points) do if q[2] < best[2] then best = q end end
      assert.equal(l.groups[1].color, render.at(img, best[1], best[2]))
      assert.equal(theme.background, render.at(img, best[1], best[2] - 8))
    end)
  end
end)
