-- Tests for charts.shared.reduce: a line reduced per pixel column (M4) draws the same
-- pixels as the whole line, for every chart built on it, at any scale; SVG stays bounded.
local reduce = require "charts.shared.reduce"
local render = require "charts.shared.render"
local image = require "chartd.image"
local pipeline = require "pipeline"

-- A noisy random walk with spikes, flat stretches and gaps (missing y), two series.
local function rows(n)
  local out, seed = {}, 7
  local function rnd()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
  for _, name in ipairs({ "a", "b" }) do
    local y = 0
    for i = 1, n do
      y = y + rnd() - 0.5
      local v = y
      if i % 997 == 0 then v = y + 40 * (rnd() - 0.5) end -- a spike
      if i % 5000 < 40 then v = nil end                   -- a gap
      if i % 7000 < 300 then v = math.floor(y) end        -- a flat stretch
      out[#out + 1] = { t = i * 60, v = v, s = name }
    end
  end
  return out
end

local function draw(spec, whole)
  local saved = reduce.ABOVE
  if whole then reduce.ABOVE = math.huge end
  local ok, result, err = pcall(pipeline.render, spec)
  reduce.ABOVE = saved
  assert(ok, result)
  assert(result, err and err.message)
  return result
end

describe("charts.shared.reduce", function()
  local data = rows(50000)
  local one = {} -- the first series alone, for the sparkline (one line, no colour channel)
  for _, r in ipairs(data) do if r.s == "a" then one[#one + 1] = r end end
  for _, case in ipairs({ { "line", 1 }, { "line", 2 }, { "step", 1 }, { "area", 1 }, { "streamgraph", 1 },
    { "sparkline", 1 } }) do
    local kind, scale = case[1], case[2]
    it(("draws a reduced %s with the pixels of the whole one (scale %d)"):format(kind, scale), function()
      local spec = { type = kind, width = 520, height = 330, scale = scale, data = { values = data },
        encoding = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" },
          color = { field = "s", type = "nominal" } } }
      if kind == "sparkline" then spec.data.values, spec.encoding.color = one, nil end
      local whole, reduced = draw(spec, true), draw(spec, false)
      assert.equal("paths", whole.drawing.method)
      assert.equal("m4", reduced.drawing.method)
      assert.equal(whole.drawing.points, reduced.drawing.points)
      assert.is_true(reduced.drawing.drawn < reduced.drawing.points / 3, reduced.drawing.drawn)
      local a, b = image.decode_png(whole.bytes), image.decode_png(reduced.bytes)
      local worst, differ = render.diff(a, b)
      -- the same pixels: only anti-aliased edge pixels may shade a little differently — a
      -- point moves by at most 1/4 pixel within its column, plus 1/16 for the coverage's
      -- sample grid: 5/16 of full contrast (plain M4 differs by half or more)
      assert.is_true(worst <= 80, ("a pixel differs by %d (%d differ)"):format(worst, differ))
      assert.is_true(differ < a.width * a.height * 0.03, ("%d pixels differ"):format(differ))
    end)
  end

  it("keeps an SVG of a 100,000-point line bounded", function()
    local values, seed = {}, 3
    for i = 1, 100000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      values[i] = { t = i, v = seed / 2147483648 }
    end
    local spec = { type = "line", width = 800, height = 600, format = "svg", data = { values = values },
      encoding = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" } } }
    local r = draw(spec, false)
    assert.equal(100000, r.drawing.points)
    assert.is_true(r.drawing.drawn <= 4 * reduce.SUB * 2 * 800, r.drawing.drawn)
    assert.is_true(#r.bytes < 1500000, #r.bytes)
  end)
end)
