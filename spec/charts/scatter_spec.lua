-- Tests for charts.scatter: point positions for known data, colour batches
-- (nominal and numeric), size radii by area, opacity, 100,000 points, alt text, pixels.
local scatter = require "charts.scatter"
local color = require "layout.color"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local BOX = { x = 0, y = 0, width = 600, height = 400 }
local ROWS = { { a = 0, b = 0, g = "p", s = 0 }, { a = 5, b = 50, g = "q", s = 25 },
  { a = 10, b = 100, g = "p", s = 100 } }
local XY = { x = { field = "a", type = "quantitative" }, y = { field = "b", type = "quantitative" } }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

local function enc_with(extra)
  local e = { x = XY.x, y = XY.y }
  for k, v in pairs(extra or {}) do e[k] = v end
  return e
end

describe("charts.scatter layout", function()
  local light = themes.get("light")

  it("puts each point where its x and y say", function()
    local l = scatter.layout(fixture.spec("scatter", ROWS, XY), light, BOX)
    local p = l.frame.plot
    local g = l.groups[1]
    assert.equal(1, #l.groups)
    assert.equal(3, #g.xs)
    -- 0..10 and 0..100 are already nice: the points sit at the plot's corners and centre
    near(p.x, g.xs[1]); near(p.y + p.height, g.ys[1])
    near(p.x + p.width / 2, g.xs[2]); near(p.y + p.height / 2, g.ys[2])
    near(p.x + p.width, g.xs[3]); near(p.y, g.ys[3])
    assert.equal(light.point_radius, l.radius)
    near(1, l.r, "perfect correlation")
  end)

  it("batches points by category with palette colours and a legend", function()
    local l = scatter.layout(fixture.spec("scatter", ROWS, enc_with { color = { field = "g", type = "nominal" } }),
      light, BOX)
    assert.equal(2, #l.groups)
    assert.same({ "p", "q" }, { l.groups[1].label, l.groups[2].label })
    assert.equal(2, #l.groups[1].xs)
    assert.equal(light.palette[1], l.groups[1].color)
    assert.equal(light.palette[2], l.groups[2].color)
  end)

  it("colours numbers on the part of the sequential ramp a dot stands out on, ends at its ends", function()
    local l = scatter.layout(fixture.spec("scatter", ROWS, enc_with { color = { field = "s", type = "quantitative" } }),
      light, BOX)
    assert.equal(3, #l.groups)
    local visible = color.visible_on(light.sequential, light.background)
    assert.equal(color.ramp(visible, 0), l.groups[1].color)
    assert.equal(color.ramp(visible, 1), l.groups[3].color)
    assert.equal(color.ramp(light.sequential, 1), l.groups[3].color)
    -- every dot, however low its value, stands out from the background (3:1) in every theme
    for _, name in ipairs(require("themes").names()) do
      local theme = require("themes").get(name)
      local lt = scatter.layout(fixture.spec("scatter", ROWS, enc_with { color = { field = "s", type = "quantitative" } }),
        theme, BOX)
      for _, g in ipairs(lt.groups) do
        if #g.xs > 0 then
          assert.is_true(color.contrast(g.color, theme.background) >= color.MARK_CONTRAST - 0.05, name .. " " .. g.color)
        end
      end
    end
  end)

  it("scales size by area from zero", function()
    near(scatter.MIN_RADIUS, scatter.size_radius(0, 0, 100))
    near(scatter.MAX_RADIUS, scatter.size_radius(100, 0, 100))
    -- a quarter of the value → a quarter of the extra area
    local r = scatter.size_radius(25, 0, 100)
    near(scatter.MIN_RADIUS ^ 2 + (scatter.MAX_RADIUS ^ 2 - scatter.MIN_RADIUS ^ 2) / 4, r * r)
    local l = scatter.layout(fixture.spec("scatter", ROWS, enc_with { size = { field = "s", type = "quantitative" } }),
      light, BOX)
    near(scatter.MAX_RADIUS, l.groups[1].rs[3])
  end)

  it("fades and shrinks points as they multiply", function()
    assert.equal(0.85, scatter.alpha(100))
    near(0.65, scatter.alpha(2000))
    near(0.85 - 0.2 * math.log(500, 10), scatter.alpha(100000))
    assert.equal(0.25, scatter.alpha(1e7))
    assert.equal(3.5, scatter.radius(500, 3.5))
    assert.equal(1.25, scatter.radius(100000, 3.5))
  end)

  it("skips rows missing x or y, and notes an empty plot", function()
    local l = scatter.layout(fixture.spec("scatter", { { a = 1, b = 2 }, { a = 3 } }, XY), light, BOX)
    assert.equal(1, l.count)
    local spec = fixture.spec("scatter", { { a = 1, b = 2 } }, XY)
    spec.data.columns.b = {}
    local e = scatter.layout(spec, light, BOX)
    assert.equal(0, e.count)
    assert.equal("No data", e.note)
  end)

  it("describes the data with Pearson's r", function()
    local rows = { { a = 1, b = 10 }, { a = 2, b = 8 }, { a = 3, b = 7 }, { a = 4, b = 3 } }
    local enc = { x = { field = "a", type = "quantitative", title = "Weight" },
      y = { field = "b", type = "quantitative", title = "MPG" } }
    local spec = fixture.spec("scatter", rows, enc)
    local l = scatter.layout(spec, light, BOX)
    assert.equal("Scatter plot of MPG against Weight for 4 points; MPG tends to fall as Weight rises (r = -0.96).",
      scatter.describe(spec, l))
  end)
end)

describe("charts.scatter rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints a point at its position (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local rows = { { a = 0, b = 0 }, { a = 5, b = 50 }, { a = 10, b = 100 } }
      local enc = { x = XY.x, y = XY.y, size = { field = "b", type = "quantitative" } }
      local raw = { type = "scatter", data = { values = rows }, encoding = enc, theme = theme_name,
        width = 600, height = 400 }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(1, 1)))
      local l = scatter.layout(fixture.spec("scatter", rows, enc, nil, { theme = theme_name, width = 600,
        height = 400 }), theme, BOX)
      local g = l.groups[1]
      -- the middle point (radius ≈ 10): its centre has the point colour at the layout's opacity over the background
      local r, gg, b = img:pixel(math.floor(g.xs[2]), math.floor(g.ys[2]))
      local pr, pg, pb = tonumber(g.color:sub(2, 3), 16), tonumber(g.color:sub(4, 5), 16),
        tonumber(g.color:sub(6, 7), 16)
      local br = tonumber(theme.background:sub(2, 3), 16)
      assert.is_true(math.abs(r - (pr * l.alpha + br * (1 - l.alpha))) <= 2)
      assert.is_true(math.abs(gg - (pg * l.alpha + tonumber(theme.background:sub(4, 5), 16) * (1 - l.alpha))) <= 2)
      assert.is_true(math.abs(b - (pb * l.alpha + tonumber(theme.background:sub(6, 7), 16) * (1 - l.alpha))) <= 2)
      -- 15 px to the left of it is no longer the point
      assert.are_not.equal(hex(r, gg, b), hex(img:pixel(math.floor(g.xs[2]) - 15, math.floor(g.ys[2]))))
    end)
  end

  it("renders 100,000 points", function()
    local rows = {}
    for i = 1, 100000 do rows[i] = { a = (i * 7919) % 1000, b = (i * 104729) % 997, g = "g" .. (i % 4) } end
    local raw = { type = "scatter", data = { values = rows },
      encoding = { x = XY.x, y = XY.y, color = { field = "g", type = "nominal" } }, width = 800, height = 600 }
    local result = assert(pipeline.render(raw))
    assert.truthy(result.alt:find("100,000 points", 1, true))
  end)

  -- Past STAMP_ABOVE points each group's marker is rendered once and stamped at every point:
  -- the same picture as a path per marker, up to anti-aliasing (positions to 1/4 pixel).
  describe("stamped markers", function()
    local render = require "charts.shared.render"
    -- lattices of points that do not overlap, in four groups (print: four marker shapes);
    -- sized markers (radius up to 12) get more room
    local function lattice(nx, ny)
      local rows = {}
      for i = 1, nx do for j = 1, ny do
        rows[#rows + 1] = { a = i + (j % 3) * 0.29, b = j + (i % 5) * 0.17, g = "g" .. ((i + j) % 4),
          s = (i * j) % 9 + 1 }
      end end
      return rows
    end
    local function draw(limit, raw)
      local saved = scatter.STAMP_ABOVE
      scatter.STAMP_ABOVE = limit
      local ok, r = pcall(pipeline.render, raw)
      scatter.STAMP_ABOVE = saved
      assert(ok, r)
      return assert(r)
    end
    local CASES = { { "light", 1, false }, { "print", 1, false }, { "dark", 2, false }, { "light", 1, true } }
    for _, case in ipairs(CASES) do
      local theme, scale, sized = case[1], case[2], case[3]
      it(("draws the markers' pixels (%s, scale %d%s)"):format(theme, scale, sized and ", sized" or ""), function()
        local rows = sized and lattice(14, 9) or lattice(44, 31)
        local raw = { type = "scatter", data = { values = rows }, theme = theme, scale = scale, width = 640,
          height = 420, encoding = { x = XY.x, y = XY.y, color = { field = "g", type = "nominal" },
            size = sized and { field = "s", type = "quantitative" } or nil } }
        local paths, stamped = draw(math.huge, raw), draw(0, raw)
        assert.same({ method = "paths", points = #rows }, paths.drawing)
        assert.same({ method = "stamped", points = #rows }, stamped.drawing)
        local a, b = image.decode_png(paths.bytes), image.decode_png(stamped.bytes)
        -- edge pixels shade a little differently (marker positions are kept to 1/4 pixel),
        -- nothing moves or goes missing
        local worst, differ, _, mean = render.diff(a, b)
        assert.is_true(worst <= 64, ("a pixel differs by %d (%d differ)"):format(worst, differ))
        assert.is_true(mean < 1.5, ("mean difference %.2f"):format(mean))
      end)
    end

    it("builds up overlapping translucent markers as the paths do", function()
      -- clusters where hundreds of markers cover each pixel: the stamped layer keeps what each
      -- marker leaves of the pixel below, whatever the order, as compositing fills one by one does
      local rows, seed = {}, 7
      local function rnd()
        seed = (seed * 1103515245 + 12345) % 2147483648
        return seed / 2147483648
      end
      for i = 1, 6000 do
        local c = i % 3
        rows[i] = { a = c * 4 + (rnd() + rnd() + rnd() - 1.5) * (c + 1), b = c * 3 + (rnd() + rnd() - 1) * 2 }
      end
      local raw = { type = "scatter", data = { values = rows }, width = 640, height = 420, encoding = XY }
      local paths, stamped = draw(math.huge, raw), draw(0, raw)
      assert.equal("stamped", stamped.drawing.method)
      local worst, differ, _, mean = render.diff(image.decode_png(paths.bytes), image.decode_png(stamped.bytes))
      assert.is_true(worst <= 64, ("a pixel differs by %d (%d differ)"):format(worst, differ))
      assert.is_true(mean < 1.5, ("mean difference %.2f"):format(mean))
    end)

    it("keeps an SVG of 60,000 points bounded: one image of the plot", function()
      local many = {}
      for i = 1, 60000 do many[i] = { a = (i * 7919) % 1000, b = (i * 104729) % 997 } end
      local r = assert(pipeline.render({ type = "scatter", data = { values = many }, encoding = XY, format = "svg",
        width = 800, height = 600 }))
      assert.equal("stamped", r.drawing.method)
      assert.truthy(r.bytes:find("<image", 1, true))
      -- fewer points keep their own paths in a vector image
      local some = { table.unpack(many, 1, 5000) }
      local v = assert(pipeline.render({ type = "scatter", data = { values = some }, encoding = XY, format = "svg" }))
      assert.equal("paths", v.drawing.method)
      assert.falsy(v.bytes:find("<image", 1, true))
      assert.is_true(#r.bytes < 2500000, #r.bytes)
    end)
  end)

  it("renders SVG and PDF", function()
    local raw = { type = "scatter", data = { values = ROWS }, encoding = XY, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
