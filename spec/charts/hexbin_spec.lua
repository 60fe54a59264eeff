-- Tests for charts.hexbin: d3-hexbin cells, counts summing to n, the
-- gradient legend's range, bad input, pixels.
local hexbin = require "charts.hexbin"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "x", type = "quantitative" }, y = { field = "y", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

describe("charts.hexbin cells", function()
  it("puts a point in the hexagon whose centre is nearest", function()
    local r = 10
    -- Every pixel of a grid maps to a cell whose centre is nearer than any neighbour's.
    for x = -30, 30, 3 do
      for y = -30, 30, 3 do
        local i, j = hexbin.cell(x, y, r)
        local cx, cy = hexbin.center(i, j, r)
        local d = (x - cx) ^ 2 + (y - cy) ^ 2
        for dj = -1, 1 do
          for di = -1, 1 do
            local ox, oy = hexbin.center(i + di, j + dj, r)
            assert.is_true(d <= (x - ox) ^ 2 + (y - oy) ^ 2 + 1e-9, ("(%d, %d)"):format(x, y))
          end
        end
      end
    end
    assert.same({ 0, 0 }, { hexbin.cell(0, 0, r) })
    assert.same({ 0, 1 }, { hexbin.cell(8.66, 15, r) })
  end)
  it("counts every point once", function()
    local xs, ys = {}, {}
    for k = 1, 1000 do xs[k], ys[k] = (k * 37) % 300, (k * 91) % 200 end
    local n = 0
    for _, h in ipairs(hexbin.bin(xs, ys, 12)) do n = n + h.count end
    assert.equal(1000, n)
  end)
end)

describe("charts.hexbin layout", function()
  local light = themes.get("light")
  it("sums the counts to n and sets the legend to the largest count", function()
    local rows = render.rows(500, function(i) return { x = i % 10, y = (i * 3) % 10 } end)
    rows[#rows + 1] = { x = 1 }  -- no y: left out
    local l = hexbin.layout(fixture.spec("hexbin", rows, ENC), light, BOX)
    local n, top = 0, 0
    for _, h in ipairs(l.hexes) do n, top = n + h.count, math.max(top, h.count) end
    assert.equal(500, n); assert.equal(500, l.count)
    assert.equal(top, l.frame.legend.max)
    assert.equal(1, l.frame.legend.min)
  end)
  it("uses the radius option and describes the densest cell", function()
    local rows = { { x = 0, y = 0 }, { x = 0, y = 0 }, { x = 10, y = 10 } }
    local spec = fixture.spec("hexbin", rows, ENC, { radius = 15 })
    local l = hexbin.layout(spec, light, BOX)
    assert.equal(15, l.radius)
    assert.equal(2, #l.hexes)
    assert.truthy(hexbin.describe(spec,
      l):find("^Hexbin plot of y against x: 3 points in 2 hexagons; the densest holds 2"))
  end)
  it("rejects a nominal axis, names a missing y, draws one point and 100,000", function()
    assert.equal("encoding.x.type", render.fails({ type = "hexbin", data = { values = { { x = "a", y = 1 } } },
      encoding = ENC }).path)
    assert.equal("encoding.y", render.fails({ type = "hexbin", data = { values = { { x = 1 } } },
      encoding = { x = ENC.x } }).path)
    assert.equal(1, #hexbin.layout(fixture.spec("hexbin", { { x = 1, y = 1 } }, ENC), light, BOX).hexes)
    local rows = render.rows(100000, function(i) return { x = (i * 7919) % 1000, y = (i * 104729) % 997 } end)
    local l = hexbin.layout(fixture.spec("hexbin", rows, ENC), light, BOX)
    local n = 0
    for _, h in ipairs(l.hexes) do n = n + h.count end
    assert.equal(100000, n)
  end)
end)

describe("charts.hexbin rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("fills the busiest hexagon with the ramp's end colour (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = { { x = 0, y = 0 }, { x = 5, y = 5 }, { x = 5, y = 5 }, { x = 10, y = 10 } }
      local img = render.png({ type = "hexbin", data = { values = rows }, encoding = ENC, theme = name })
      local l = hexbin.layout(fixture.spec("hexbin", rows, ENC, nil, { theme = name }), theme, BOX)
      local best
      for _, h in ipairs(l.hexes) do if not best or h.count > best.count then best = h end end
      assert.equal(2, best.count)
      assert.equal(require("layout.color").ramp(theme.sequential, 1), render.at(img, best.cx, best.cy))
      assert.equal(require("layout.color").ramp(theme.sequential, 1), best.color)
    end)
  end
end)
