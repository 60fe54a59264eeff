-- Tests for charts.bubble (a scatter variant with a required size) and the
-- scatter's regression option it shares.
local bubble = require "charts.bubble"
local scatter = require "charts.scatter"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "x", type = "quantitative" }, y = { field = "y", type = "quantitative" },
  size = { field = "s", type = "quantitative" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }

describe("charts.bubble layout", function()
  local light = themes.get("light")
  it("makes area proportional to size, up to the bubble maximum", function()
    local rows = { { x = 1, y = 1, s = 0 }, { x = 2, y = 2, s = 50 }, { x = 3, y = 3, s = 100 } }
    local l = bubble.layout(fixture.spec("bubble", rows, ENC), light, BOX)
    local rs = l.groups[1].rs
    assert.equal(scatter.MIN_RADIUS, rs[1])
    assert.equal(bubble.MAX_RADIUS, rs[3])
    local a1, a2, a3 = rs[1] ^ 2, rs[2] ^ 2, rs[3] ^ 2
    assert.is_true(math.abs((a2 - a1) / (a3 - a1) - 0.5) < 1e-12)
    assert.equal(3, l.largest); assert.equal(1, l.smallest)
  end)
  it("names a missing size", function()
    local err = render.fails({ type = "bubble", data = { values = { { x = 1, y = 2 } } },
      encoding = { x = ENC.x, y = ENC.y } })
    assert.equal("missing_encoding", err.code)
    assert.equal("encoding.size", err.path)
  end)
  it("draws one row and 100,000 rows", function()
    local l = bubble.layout(fixture.spec("bubble", { { x = 1, y = 1, s = 5 } }, ENC), light, BOX)
    assert.equal(1, l.count)
    local rows = render.rows(100000, function(i) return { x = i % 1000, y = i % 977, s = i % 10 } end)
    l = bubble.layout(fixture.spec("bubble", rows, ENC), light, BOX)
    assert.equal(100000, l.count)
  end)
  it("describes the largest and smallest bubble", function()
    local rows = { { x = 1, y = 10, s = 3 }, { x = 2, y = 20, s = 9 }, { x = 3, y = 25, s = 1 } }
    local spec = fixture.spec("bubble", rows, ENC)
    local text = bubble.describe(spec, bubble.layout(spec, light, BOX))
    assert.truthy(text:find("^Bubble chart of y against x for 3 points"), text)
    assert.truthy(text:find("Bubble area shows s: largest 9 at (2, 20), smallest 1 at (3, 25).", 1, true), text)
  end)
end)

describe("scatter regression option", function()
  local light = themes.get("light")
  it("fits a known line exactly", function()
    local fit = scatter.regression({ 0, 1, 2, 3 }, { 1, 3, 5, 7 })
    assert.equal(2, fit.slope); assert.equal(1, fit.intercept); assert.equal(1, fit.r2)
    fit = scatter.regression({ 1, 2, 3, 4 }, { 2, 1, 4, 3 })
    -- Σdx·dy = 3, Σdx² = 5, Σdy² = 5 → slope 0.6, intercept 2.5 - 0.6·2.5 = 1, r² = 9/25.
    assert.is_true(math.abs(fit.slope - 0.6) < 1e-12 and math.abs(fit.intercept - 1) < 1e-12)
    assert.is_true(math.abs(fit.r2 - 0.36) < 1e-12)
    assert.is_nil(scatter.regression({ 1, 1 }, { 1, 2 }))
  end)
  it("lays the line across the x domain and labels it", function()
    local rows = {}
    for i = 0, 10 do rows[#rows + 1] = { x = i, y = 3 * i - 2 } end
    local spec = fixture.spec("scatter", rows, { x = ENC.x, y = ENC.y }, { regression = true })
    local l = scatter.layout(spec, light, BOX)
    local sx, sy = l.frame.x.scale, l.frame.y.scale
    local d = l.frame.x.domain
    assert.equal(sx(d[1]), l.fit.x0)
    assert.is_true(math.abs(l.fit.y1 - sy(3 * d[2] - 2)) < 1e-9)
    assert.equal("y = 3x \u{2212} 2   r\u{b2} = 1.00", l.fit.label)
    assert.truthy(scatter.describe(spec, l):find("least-squares line y = -2 + 3 × x (r² = 1.00)", 1, true))
  end)
  it("draws the line in the foreground colour (light, dark)", function()
    for _, name in ipairs({ "light", "dark" }) do
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local rows = { { x = 0, y = 0 }, { x = 10, y = 10 }, { x = 10, y = 0 }, { x = 0, y = 10 } }
      local raw = { type = "scatter", data = { values = rows }, encoding = { x = ENC.x, y = ENC.y }, theme = name,
        options = { regression = true } }
      local img = render.png(raw)
      local l = scatter.layout(fixture.spec("scatter", rows, raw.encoding, raw.options, { theme = name }), theme, BOX)
      -- The fit is flat at y = 5 here.
      local p = l.frame.plot
      assert.equal(theme.foreground, render.at(img, p.x + p.width * 0.3, l.fit.y0))
      assert.are_not.equal(theme.foreground, render.at(img, p.x + p.width * 0.3, l.fit.y0 + 5))
    end
  end)
end)

describe("charts.bubble rendering", function()
  it("paints the big bubble around its centre", function()
    local rows = { { x = 0, y = 0, s = 1 }, { x = 5, y = 5, s = 100 }, { x = 10, y = 10, s = 1 } }
    local img = render.png({ type = "bubble", data = { values = rows }, encoding = ENC })
    local light = themes.get("light")
    local l = bubble.layout(fixture.spec("bubble", rows, ENC), light, BOX)
    local g = l.groups[1]
    -- 0.7 alpha of the first palette colour over the background (±3 per channel).
    local got = render.at(img, g.xs[2] + 10, g.ys[2])
    local want = require("layout.color").mix(light.palette[1], light.background, 0.3)
    assert.is_true(render.close(got, want, 3), got .. " vs " .. want)
    assert.equal(light.background, render.at(img, g.xs[2] + bubble.MAX_RADIUS + 3, g.ys[2]))
  end)
end)

describe("the size key of bubble and sized scatter charts, read from the scene", function()
  local pipeline = require "pipeline"
  local checks = require "quality.scene_checks"
  local copy = require("util.tables").deep_copy
  local SIZES = { { 300, 200 }, { 480, 320 }, { 800, 600 }, { 1600, 400 } }

  -- The size key's labels (legend labels carrying a number; the colour legends here are
  -- categorical), in drawn order.
  local function key_labels(scene)
    local out = {}
    for _, it in ipairs(scene.items) do
      if it.role == "legend-label" and type(it.value) == "number" then out[#out + 1] = it end
    end
    return out
  end
  local function legends(scene)
    local n = 0
    for _, it in ipairs(scene.items) do if it.kind == "legend" then n = n + 1 end end
    return n
  end
  local function size_extent(spec)
    local lo, hi = math.huge, -math.huge
    for _, r in ipairs(spec.data.values) do
      local v = r[spec.encoding.size.field]
      if type(v) == "number" then lo, hi = math.min(lo, v), math.max(hi, v) end
    end
    return lo, hi
  end

  -- Samples and their sizes bent: tiny, huge, negative magnitudes.
  local cases = {}
  for _, t in ipairs({ "bubble", "scatter" }) do
    local sample = require("charts." .. t).sample
    cases[#cases + 1] = { t, sample }
    for _, k in ipairs({ 1.7e-6, 3.3e9 }) do
      local s = copy(sample)
      for _, r in ipairs(s.data.values) do r[s.encoding.size.field] = r[s.encoding.size.field] * k end
      cases[#cases + 1] = { t .. " ×" .. k, s }
    end
  end
  local shifted = copy(require("charts.scatter").sample)
  for _, r in ipairs(shifted.data.values) do r.horsepower = r.horsepower - 120 end -- negatives and positives
  cases[#cases + 1] = { "scatter, sizes across 0", shifted }

  it("at 300x200 with five colours: both keys, the size key nested under the colour legend, the plot larger", function()
    local spec = copy(require("charts.bubble").sample)
    spec.width, spec.height = 300, 200
    local r = assert(pipeline.render(spec, { scene = true }))
    assert.same({}, checks.check(r.scene))
    local boxes = {}
    for _, it in ipairs(r.scene.items) do if it.kind == "legend" then boxes[#boxes + 1] = it end end
    assert.equal(2, #boxes)
    local colour, key = boxes[1], boxes[2]
    assert.is_true(key.y >= colour.y + colour.h and key.x >= colour.x - 1, "the key sits under the colour legend")
    local p = r.scene.plot
    assert.is_true(p.h >= 0.45 * 200, "the plot keeps most of the height: " .. p.h)
    assert.is_true(colour.w * colour.h + key.w * key.h < 0.7 * p.w * p.h)
    local labels = key_labels(r.scene)
    assert.is_true(#labels >= 2)
    for i = 2, #labels do -- nested: the values' labels stacked apart, the larger higher
      assert.is_true(labels[i - 1].y >= labels[i].y + labels[i].h, "labels apart")
    end
  end)

  for _, case in ipairs(cases) do
    for _, sz in ipairs(SIZES) do
      it(("%s at %dx%d: a legend of ordered values spanning the sizes, passing the scene checks"):format(case[1],
        sz[1], sz[2]), function()
        local spec = copy(case[2])
        spec.width, spec.height = sz[1], sz[2]
        local r = assert(pipeline.render(spec, { scene = true }))
        assert.same({}, checks.check(r.scene))
        local labels = key_labels(r.scene)
        if #labels == 0 then -- left out only where it would crush the plot, and then counted
          assert.is_true((r.scene.thinned.legend or 0) >= 2, "no size key and none counted as left out")
          return
        end
        assert.equal(2, legends(r.scene)) -- the colour legend and the size key
        local lo, hi = size_extent(spec)
        assert.is_true(#labels >= 2)
        for i, l in ipairs(labels) do
          assert.is_true(checks.reads_as(l.text, l.value), l.text .. " reads as " .. l.value)
          assert.is_true(l.value >= lo and l.value <= hi)
          if i > 1 then assert.is_true(l.value > labels[i - 1].value) end
        end
        assert.is_true(labels[1].value <= lo + 0.4 * (hi - lo), "the key starts near the smallest size")
        assert.is_true(labels[#labels].value >= lo + 0.75 * (hi - lo), "the key reaches the largest size")
      end)
    end
  end

  it("draws each key circle at the radius a mark of that value gets, larger for larger values", function()
    local frame_theme = themes.for_size(themes.get("light"), 480, 320)
    local rows = {}
    for i = 0, 20 do rows[#rows + 1] = { x = i, y = i % 7, s = i * 50 } end -- 0, 50, …, 1000
    local l = bubble.layout(fixture.spec("bubble", rows, ENC), frame_theme, { x = 0, y = 0, width = 480, height = 320 })
    local key = l.frame.size_legend
    assert.equal("sizes", key.kind)
    assert.is_true(#key.entries >= 3)
    local drawn = {}
    for k, v in ipairs(rows) do drawn[v.s] = l.groups[1].rs[k] end
    for i, e in ipairs(key.entries) do
      assert.is_truthy(drawn[e.value], "a key value the data has: " .. e.value)
      assert.near(drawn[e.value], e.r, 1e-9)
      if i > 1 then assert.is_true(e.r > key.entries[i - 1].r) end
    end
    -- no size encoding, no key
    local plain = scatter.layout(fixture.spec("scatter", rows, { x = ENC.x, y = ENC.y }), frame_theme,
      { x = 0, y = 0, width = 480, height = 320 })
    assert.is_nil(plain.frame.size_legend)
  end)
end)
