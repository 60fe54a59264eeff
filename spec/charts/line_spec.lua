-- Tests for charts.line: point positions, gaps, series, automatic markers,
-- alt text, and pixel checks on a rendered image.
local reduce = require "charts.shared.reduce"
local line = require "charts.line"
local series = require "charts.shared.series"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local PLOT = { x = 40, y = 10, width = 200, height = 100 }
local XY = { x = { field = "t", type = "quantitative" }, y = { field = "v", type = "quantitative" } }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.6f, got %.6f"):format(what or "value", expected, actual))
end

local function model(values, enc)
  return series.build(fixture.spec("line", values, enc), { gaps = true })
end

describe("charts.line geometry", function()
  it("maps x and y linearly, sorted by x", function()
    local m = model({ { t = 4, v = 30 }, { t = 0, v = 10 }, { t = 2, v = 20 } }, XY)
    local g = line.geometry(m, PLOT, { 0, 4 }, { 0, 40 })
    local pts = g[1].points
    assert.equal(3, #pts)
    near(40, pts[1][1]); near(10 + 0.75 * 100, pts[1][2])
    near(140, pts[2][1]); near(10 + 0.5 * 100, pts[2][2])
    near(240, pts[3][1]); near(10 + 0.25 * 100, pts[3][2])
    assert.equal(1, #g[1].runs)
  end)

  it("breaks the line at a missing value", function()
    local m = model({ { t = 0, v = 1 }, { t = 1, v = 2 }, { t = 2 }, { t = 3, v = 3 }, { t = 4, v = 4 } }, XY)
    local g = line.geometry(m, PLOT, { 0, 4 }, { 0, 4 })
    assert.equal(2, #g[1].runs)
    assert.equal(2, #g[1].runs[1])
    assert.equal(2, #g[1].runs[2])
    near(40 + 150, g[1].runs[2][1][1])
    assert.equal(4, #g[1].points)
  end)

  it("joins a series over keys it simply has no row for", function()
    local enc = { x = XY.x, y = XY.y, color = { field = "s", type = "nominal" } }
    local m = model({ { t = 0, s = "a", v = 1 }, { t = 1, s = "b", v = 2 }, { t = 2, s = "a", v = 3 } }, enc)
    local g = line.geometry(m, PLOT, { 0, 2 }, { 0, 4 })
    assert.equal(2, #g)
    assert.equal(1, #g[1].runs)
    assert.equal(2, #g[1].runs[1])
    near(240, g[1].runs[1][2][1])
    near(140, g[2].points[1][1])
  end)

  it("centres ordinal keys in their bands", function()
    local m = model({ { t = "lo", v = 1 }, { t = "hi", v = 2 } },
      { x = { field = "t", type = "ordinal" }, y = XY.y })
    local g = line.geometry(m, PLOT, nil, { 0, 2 })
    -- step = 200 / 2, band 80 starting 10 in: centres at 40+10+40 and 40+110+40
    near(90, g[1].points[1][1]); near(190, g[1].points[2][1])
  end)
end)

describe("charts.line reduced geometry in C (columns.path)", function()
  -- The points M4 keeps, computed in C and by the Lua loop: the same numbers, runs and breaks
  -- (the C path's as tables, its points alone in a run as the layout's lone points).
  local function both(m, xdom, ydom)
    local native = line.native_path
    assert.is_function(native)
    local fast = line.geometry(m, PLOT, xdom, ydom)
    line.native_path = nil
    local slow = line.geometry(m, PLOT, xdom, ydom)
    line.native_path = native
    for si, g in ipairs(fast) do
      assert.equal("userdata", type(g.path))
      assert.equal(g.drawn, #g.path)
      local lone, want = g.path:lone(), {}
      g.runs, g.points = g.path:tables()
      g.path = nil
      for _, run in ipairs(slow[si].runs) do if #run == 1 then want[#want + 1] = run[1] end end
      assert.same(want, lone)
    end
    return fast, slow
  end
  local rnd = require("charts.shared.sample_rng").lcg(99)

  it("gives the Lua loop's points over numbers, integers, gaps, several series and a flat line", function()
    for _, case in ipairs({ "gaps", "series", "integers", "flat" }) do
      local rows, y = {}, 0
      for i = 1, 6000 do
        y = y + rnd() - 0.5
        local v = case == "flat" and 7 or y
        if case == "gaps" and rnd() < 0.02 then v = nil end -- (`c and nil or y` would never be nil)
        if case == "integers" then v = math.floor(y * 10) end
        rows[i] = { t = case == "integers" and i or i * 0.5, v = v, s = case == "series" and (i % 3 == 0 and "a" or "b") or nil }
      end
      local enc = { x = XY.x, y = XY.y }
      if case == "series" then enc.color = { field = "s", type = "nominal" } end
      local m = model(rows, enc)
      local fast, slow = both(m, { 0, 3000 }, case == "flat" and { 7, 7 } or { -40, 40 })
      assert.is_true(fast[1].drawn < fast[1].total, case .. ": reduced")
      assert.same(slow, fast, case)
      if case == "gaps" then assert.is_true(#fast[1].runs > 3, "gaps: runs " .. #fast[1].runs) end
    end
  end)

  it("draws a path as canvas:polylines draws its runs as tables, pixel for pixel", function()
    local canvas = require "chartd.canvas"
    local rows, y = {}, 0
    for i = 1, 6000 do
      y = y + rnd() - 0.5
      rows[i] = { t = i * 0.5 }
      if rnd() >= 0.03 then rows[i].v = y end
    end
    local g = line.geometry(model(rows, XY), PLOT, { 0, 3000 }, { -40, 40 })[1]
    assert.is_true(#g.path > 100)
    local function png(runs)
      local c = canvas.new { format = "png", width = 300, height = 130 }
      c:set_line_width(1.5)
      c:polylines(runs)
      c:stroke()
      return c:finish()
    end
    local runs = g.path:tables()
    assert.is_true(#runs > 10, "runs broken at gaps: " .. #runs)
    assert.equal(png(runs), png(g.path))
  end)

  -- A series short enough to draw whole goes through columns.path too (every row kept, in
  -- line.every_row): rows without a value are skipped, and end the run where the model marks a gap.
  it("gives the Lua loop's points for whole series: gaps, keys a series lacks, bands, integers", function()
    local native, calls = line.native_path, 0
    for _, case in ipairs({ "gaps", "series", "integers", "band", "flat" }) do
      local rows, y = {}, 0
      for i = 1, 300 do
        y = y + rnd() - 0.5
        local v = case == "flat" and 7 or y
        if case == "gaps" and rnd() < 0.05 then v = nil end
        if case == "integers" then v = math.floor(y * 10) end
        local s = case == "series" and (i % 3 == 0 and "a" or "b") or nil
        local t = case == "integers" and i or i * 0.5
        if case == "series" and s == "a" then t = (i // 3) * 1.5 end -- b has keys a has not
        rows[i] = { t = case == "band" and ("k" .. i) or t, v = v, s = s }
      end
      local enc = { x = case == "band" and { field = "t", type = "ordinal" } or XY.x, y = XY.y }
      if case == "series" then enc.color = { field = "s", type = "nominal" } end
      local m = model(rows, enc)
      local xdom, ydom = case ~= "band" and { 0, 150 } or nil, case == "flat" and { 7, 7 } or { -40, 40 }
      line.native_path = function(...) calls = calls + 1; return native(...) end
      local fast = line.geometry(m, PLOT, xdom, ydom)
      line.native_path = nil
      local slow = line.geometry(m, PLOT, xdom, ydom)
      line.native_path = native
      assert.equal(fast[1].total, fast[1].drawn, case .. ": not reduced")
      assert.same(slow, fast, case)
      for si, g in ipairs(fast) do
        for k, pt in ipairs(g.points) do
          assert.equal(math.type(slow[si].points[k][1]), math.type(pt[1]), case .. ": x subtype")
          assert.equal(math.type(slow[si].points[k][2]), math.type(pt[2]), case .. ": y subtype")
        end
      end
      if case == "gaps" then assert.is_true(#fast[1].runs > 3, "gaps: runs " .. #fast[1].runs) end
    end
    assert.is_true(calls >= 6, "columns.path calls: " .. calls)
  end)

  it("lists every row for columns.path, and leaves values that are not plain numbers to Lua", function()
    assert.same({ 1, 0, 4, 5 }, line.every_row({ 1.5, nil, nil, 2, 3 }, { [2] = true }, 5))
    assert.same({}, line.every_row({}, {}, 3))
    assert.is_nil(line.every_row({ 1, 0 / 0, 2 }, {}, 3))
    assert.is_nil(line.every_row({ 1, "2", 3 }, {}, 3))
  end)
end)

describe("charts.line layout", function()
  local light = themes.get("light")
  local BOX = { x = 0, y = 0, width = 400, height = 300 }

  it("shows points up to 30 per series, and not beyond, unless asked", function()
    local rows = {}
    for i = 1, 31 do rows[i] = { t = i, v = i % 5 } end
    local l = line.layout(fixture.spec("line", rows, XY), light, BOX)
    assert.is_false(l.series[1].show_points)
    table.remove(rows)
    l = line.layout(fixture.spec("line", rows, XY), light, BOX)
    assert.is_true(l.series[1].show_points)
    l = line.layout(fixture.spec("line", rows, XY, { points = false }), light, BOX)
    assert.is_false(l.series[1].show_points)
  end)

  it("keeps points inside the plot on the frame's domains", function()
    local l = line.layout(fixture.spec("line", line.sample.data.values, line.sample.encoding), light, BOX)
    local p = l.frame.plot
    assert.equal(3, #l.series)
    for _, g in ipairs(l.series) do
      assert.equal(6, #g.points)
      for _, pt in ipairs(g.points) do
        assert.is_true(pt[1] >= p.x - 1e-9 and pt[1] <= p.x + p.width + 1e-9)
        assert.is_true(pt[2] >= p.y - 1e-9 and pt[2] <= p.y + p.height + 1e-9)
      end
    end
    near(p.x, l.series[1].points[1][1], "first month at the left edge")
    near(p.x + p.width, l.series[1].points[6][1], "last month at the right edge")
  end)

  it("describes the data and the trend", function()
    local rows = { { m = "2024-01", v = 120 }, { m = "2024-02", v = 100 }, { m = "2024-03", v = 163 } }
    local spec = fixture.spec("line", rows, { x = { field = "m", type = "temporal" }, y = { field = "v" } })
    local l = line.layout(spec, light, BOX)
    assert.equal("Line chart of v by m. Highest: 2024-03 (163); lowest: 2024-02 (100). "
      .. "Rises from 120 in 2024-01 to 163 in 2024-03.", line.describe(spec, l))
  end)

  it("survives one row and 100,000 rows", function()
    local one = line.layout(fixture.spec("line", { { t = 1, v = 1 } }, XY), light, BOX)
    assert.equal(1, #one.series[1].points)
    local rows = {}
    for i = 1, 100000 do rows[i] = { t = i, v = math.sin(i / 1000) } end
    local l = line.layout(fixture.spec("line", rows, XY), light, BOX)
    -- reduced per pixel column (charts.shared.reduce): at most 4 points a column
    local drawn = l.series[1].drawn
    assert.equal(drawn, #l.series[1].path)
    assert.same({ method = "m4", points = 100000, drawn = drawn }, l.drawing)
    assert.is_true(drawn <= 4 * reduce.SUB * math.ceil(l.frame.plot.width) + 4, drawn)
    assert.is_false(l.series[1].show_points)
  end)
end)

describe("charts.line rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws a flat line at the value's height (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), 400, 300)
      local rows = { { t = 0, v = 0 }, { t = 1, v = 30 }, { t = 2, v = 30 }, { t = 3, v = 60 } }
      local raw = { type = "line", data = { values = rows }, encoding = XY, theme = theme_name,
        width = 400, height = 300, options = { points = false } }
      local result = assert(pipeline.render(raw))
      local img = assert(image.decode_png(result.bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(2, 2)))
      local l = line.layout(fixture.spec("line", rows, XY, { points = false }, { theme = theme_name }), theme,
        { x = 0, y = 0, width = 400, height = 300 })
      local a, b = l.series[1].points[2], l.series[1].points[3]
      local x = math.floor((a[1] + b[1]) / 2)
      local y = a[2]
      local stroke = l.series[1].color:lower()
      assert.equal(stroke, hex(img:pixel(x, math.floor(y))))
      assert.are_not.equal(stroke, hex(img:pixel(x, math.floor(y) - 4)))
      assert.are_not.equal(stroke, hex(img:pixel(x, math.floor(y) + 4)))
    end)
  end

  it("a line reduced per pixel column with values near the double range is an error about the data", function()
    -- (columns.path refuses a position past the double range: the Lua loop then says why)
    for _, big in ipairs { 1e308, 1.7e308 } do
      local rows = {}
      for i = 1, 5000 do rows[i] = { t = i, v = (i % 3 == 0 and -big or big) * (0.5 + (i % 7) / 14) } end
      local result, err = pipeline.render({ type = "line", data = { values = rows }, encoding = XY })
      assert.is_nil(result)
      assert.equal("invalid_data", err.code, err.message)
    end
  end)

  it("renders SVG and PDF", function()
    local raw = { type = "line", data = line.sample.data, encoding = line.sample.encoding, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
