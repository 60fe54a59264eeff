-- Specs for layout.frame: margins from measured text, label rotation,
-- truncation and thinning, legend placement, bounds, and a rendered frame.
local frame = require "layout.frame"
local canvas = require "chartd.canvas"
local image = require "chartd.image"

local THEME = {
  name = "test", background = "#1e2430", foreground = "#eeeeee", muted = "#aaaaaa", grid = "#3a4050",
  axis = "#ff0000", font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = { "#4e79a7", "#f28e2b", "#e15759" }, sequential = { "#deebf7", "#08306b" },
  padding = 16, number = { thousands = ",", decimal = ".", currency = "$" }, line_width = 2,
}
local BOX = { x = 0, y = 0, width = 800, height = 600 }

local function cats(n, fmt)
  local out = {}
  for i = 1, n do out[i] = (fmt or "Category number %d with a long name"):format(i) end
  return out
end

-- Separating-axis test for two convex quads (label corners).
local function overlap(a, b)
  for _, poly in ipairs { a, b } do
    for i = 1, 4 do
      local p, q = poly[i], poly[i % 4 + 1]
      local nx, ny = q[2] - p[2], p[1] - q[1]
      local amin, amax, bmin, bmax = math.huge, -math.huge, math.huge, -math.huge
      for _, c in ipairs(a) do local d = c[1] * nx + c[2] * ny; amin, amax = math.min(amin, d), math.max(amax, d) end
      for _, c in ipairs(b) do local d = c[1] * nx + c[2] * ny; bmin, bmax = math.min(bmin, d), math.max(bmax, d) end
      if amax <= bmin or bmax <= amin then return false end
    end
  end
  return true
end

local function inside(b, x0, y0, x1, y1)
  return b[1] >= x0 - 1e-6 and b[2] >= y0 - 1e-6 and b[3] <= x1 + 1e-6 and b[4] <= y1 + 1e-6
end

local function all_labels(f)
  local out = {}
  for _, a in ipairs { f.x, f.y } do for _, l in ipairs(a.labels) do out[#out + 1] = l end end
  return out
end

describe("layout.frame", function()
  local basic = {
    x = { scale_kind = "band", domain = { "a", "b", "c" }, title = "Letter" },
    y = { scale_kind = "linear", domain = { 0, 97 }, title = "Value" },
  }

  it("shrinks the plot for a title and subtitle", function()
    local bare = frame.layout({}, THEME, BOX, basic)
    local titled = frame.layout({ title = "Revenue", subtitle = "2024" }, THEME, BOX, basic)
    assert.is_true(titled.plot.y > bare.plot.y + 30)
    assert.is_true(titled.plot.height < bare.plot.height - 30)
    assert.equal(16, titled.title.x)
    assert.equal(16, titled.title.y)
    assert.same({ "Revenue" }, titled.title.lines)
    assert.is_true(titled.subtitle.y >= titled.title.y + titled.title.height)
  end)

  it("wraps a long title to the width", function()
    local f = frame.layout({ title = ("A very long chart title "):rep(8) }, THEME, BOX, basic)
    assert.is_true(#f.title.lines >= 2)
    assert.equal(#f.title.lines * f.title.line_height, f.title.height)
  end)

  it("makes nice value axes with ticks and labels at their positions", function()
    local f = frame.layout({}, THEME, BOX, basic)
    assert.same({ 0, 100 }, f.y.domain)
    assert.equal("linear", f.y.scale.kind)
    assert.equal(0, f.y.ticks[1].value)
    assert.equal("0", f.y.ticks[1].label)
    assert.equal(f.plot.y + f.plot.height, f.y.ticks[1].pos)
    assert.equal(f.plot.y, f.y.ticks[#f.y.ticks].pos)
    assert.equal("100", f.y.ticks[#f.y.ticks].label)
    assert.equal("left", f.y.orient)
    assert.same({ "a", "b", "c" }, f.x.categories)
    assert.equal(f.x.scale:center("b"), f.x.ticks[2].pos)
    assert.equal(0, f.x.label_angle)
  end)

  it("keeps 40 long band labels apart and inside the box in 800 px", function()
    local f = frame.layout({ title = "Forty" }, THEME, BOX, {
      x = { scale_kind = "band", domain = cats(40) }, y = { scale_kind = "linear", domain = { 0, 1234567 } } })
    assert.is_true(f.x.label_angle == -45 or f.x.label_angle == -90)
    assert.is_true(f.x.label_truncated)
    local labels = f.x.labels
    assert.is_true(#labels >= 20)
    for i = 2, #labels do
      assert.is_false(overlap(frame.label_corners(labels[i - 1]), frame.label_corners(labels[i])))
    end
    for _, l in ipairs(labels) do
      assert.is_true(inside(frame.label_bounds(l), 0, 0, 800, 600))
      assert.is_true(frame.label_bounds(l)[4] - (f.plot.y + f.plot.height) <= 0.35 * f.plot.height + 15)
    end
    assert.equal("1.2M", f.y.ticks[7].label)
  end)

  it("thins band labels that cannot fit even rotated", function()
    local f = frame.layout({}, THEME, { x = 0, y = 0, width = 400, height = 300 }, {
      x = { scale_kind = "band", domain = cats(120, "C%d") }, y = { scale_kind = "linear", domain = { 0, 1 } } })
    assert.is_true(f.x.thin > 1)
    local labels = f.x.labels
    for i = 2, #labels do
      assert.is_false(overlap(frame.label_corners(labels[i - 1]), frame.label_corners(labels[i])))
    end
  end)

  it("keeps y tick labels and every label inside the box", function()
    local f = frame.layout({ title = "T" }, THEME, BOX, {
      x = { scale_kind = "linear", domain = { -123456789, 987654321 }, title = "Big" },
      y = { scale_kind = "linear", domain = { -0.123456, 987654.5 }, title = "Y" } })
    for _, l in ipairs(all_labels(f)) do
      assert.is_true(inside(frame.label_bounds(l), BOX.x, BOX.y, BOX.x + BOX.width, BOX.y + BOX.height))
    end
    for _, l in ipairs(f.y.labels) do assert.is_true(frame.label_bounds(l)[3] <= f.plot.x) end
    assert.is_true(f.plot.x >= 16 and f.plot.x + f.plot.width <= 784)
    assert.is_true(f.plot.y + f.plot.height <= 584)
    -- Horizontal labels on a numeric x axis never touch.
    for i = 2, #f.x.labels do
      local a, b = frame.label_bounds(f.x.labels[i - 1]), frame.label_bounds(f.x.labels[i])
      assert.is_true(a[3] < b[1])
    end
  end)

  it("puts a short legend on the right and a long one in rows on top", function()
    local items = {}
    for i = 1, 3 do items[i] = { label = "Series " .. i, color = "#123456", shape = "square" } end
    local f = frame.layout({ title = "T" }, THEME, BOX, {
      x = basic.x, y = basic.y, legend = { title = "Region", items = items } })
    assert.equal("right", f.legend.position)
    assert.equal(784, f.legend.x + f.legend.width)
    assert.is_true(f.plot.x + f.plot.width < f.legend.x)
    assert.equal(3, f.legend.rows)

    local many = {}
    for i = 1, 30 do many[i] = { label = "Product line " .. i, color = "#123456", shape = "line" } end
    local g = frame.layout({ title = "T" }, THEME, BOX, {
      x = basic.x, y = basic.y, legend = { title = "Products", items = many } })
    assert.equal("top", g.legend.position)
    assert.is_true(g.legend.rows > 1)
    for _, it in ipairs(g.legend.items) do
      assert.is_true(it.x >= 16 and it.x + it.width <= 784)
      assert.is_true(it.y >= g.title.y + g.title.height)
    end
    assert.is_true(g.plot.y >= g.legend.y + g.legend.height)
  end)

  it("places a gradient legend with formatted ticks", function()
    local f = frame.layout({}, THEME, BOX, {
      x = basic.x, y = basic.y, legend = { title = "Sales", gradient = { stops = { "#000000", "#ffffff" },
        min = 0, max = 2500000 } } })
    assert.equal("gradient", f.legend.kind)
    assert.equal("0", f.legend.ticks[1].label)
    assert.equal("2.5M", f.legend.ticks[#f.legend.ticks].label)
    assert.equal(f.legend.bar.y + f.legend.bar.height, f.legend.ticks[1].pos)
    assert.is_true(f.plot.x + f.plot.width < f.legend.x)
  end)

  it("draws the category axis on the left when horizontal", function()
    local bar = frame.layout({}, THEME, BOX, { x = basic.x, y = basic.y, horizontal = true })
    assert.equal("left", bar.x.orient)
    assert.equal("bottom", bar.y.orient)
    assert.same({ 0, 100 }, bar.y.domain)
    assert.equal(bar.plot.x, bar.y.scale(0))
    assert.is_true(bar.x.scale("a") < bar.x.scale("c")) -- first category on top
    local boxplot = frame.layout({}, THEME, BOX, { x = basic.y, y = basic.x, horizontal = true })
    assert.equal("left", boxplot.y.orient)
    assert.equal("bottom", boxplot.x.orient)
  end)

  it("labels time axes by calendar unit", function()
    local f = frame.layout({}, THEME, BOX, {
      x = { scale_kind = "time", domain = { 1704067200, 1735689600 } }, y = basic.y })
    assert.equal("month", f.x.unit)
    assert.equal("Jan 2024", f.x.ticks[1].label)
    assert.equal("Feb", f.x.ticks[2].label)
    assert.equal(f.plot.x, f.x.ticks[1].pos)
  end)

  it("lays out title and legend only for simple charts", function()
    local f = frame.layout_simple({ title = "Share" }, THEME, BOX, {
      items = { { label = "A", color = "#ff0000" }, { label = "B", color = "#00ff00" } } })
    assert.equal("right", f.legend.position)
    assert.is_true(f.plot.y > f.title.y + f.title.height)
    assert.is_true(f.plot.x + f.plot.width < f.legend.x)
    assert.is_nil(f.x)
  end)

  it("renders background, grid and axis line where the layout says", function()
    local f = frame.layout({ title = "Pixels" }, THEME, BOX, {
      x = basic.x, y = basic.y, legend = { items = { { label = "A", color = "#00ff00", shape = "circle" } } } })
    local c = canvas.new { format = "png", width = 800, height = 600 }
    frame.draw_background(c, f, THEME)
    frame.draw_axes(c, f, THEME)
    local img = assert(image.decode_png(c:finish {}))
    assert.same({ 0x1e, 0x24, 0x30, 255 }, { img:pixel(3, 3) })
    local gy = math.floor(f.y.ticks[3].pos)
    assert.same({ 0x3a, 0x40, 0x50, 255 }, { img:pixel(math.floor(f.plot.x + f.plot.width / 2), gy) })
    local ay = math.floor(f.plot.y + f.plot.height)
    assert.same({ 255, 0, 0, 255 }, { img:pixel(math.floor(f.plot.x + 3), ay) })
    local sw = f.legend.items[1].swatch
    assert.same({ 0, 255, 0, 255 }, { img:pixel(math.floor(sw.x + sw.width / 2), math.floor(sw.y + sw.height / 2)) })
  end)

  -- Crowded category names shrink no further than the sized theme's floor (10 px from a
  -- phone's chart up, 280x210: a 320 px phone's page has 290 px; 8 on a thumbnail): past it, names are left out (thinned), never drawn
  -- unreadably small.
  it("shrinks crowded category labels down to the canvas's text floor", function()
    local pipeline = require "pipeline"
    local values = {}
    for i = 1, 30 do values[i] = { c = ("Country %d"):format(i), v = i * 7 % 50 + 5 } end
    local function labels(w, h)
      local r = assert(pipeline.render({ type = "bar", data = { values = values }, width = w, height = h,
        encoding = { y = { field = "c", type = "nominal" }, x = { field = "v", type = "quantitative" } } },
        { scene = true }))
      local least = math.huge
      for _, it in ipairs(r.scene.items) do
        if it.kind == "text" and it.role == "tick-label" then least = math.min(least, it.size) end
      end
      return least, r.scene.thinned.y
    end
    for _, size in ipairs({ { 290, 220 }, { 330, 250 }, { 350, 260 }, { 800, 300 } }) do
      local least, thinned = labels(size[1], size[2])
      assert.is_true(least >= 10, ("%dx%d: a label of %s px"):format(size[1], size[2], least))
      assert.is_true(thinned > 0)
    end
    assert.are.equal(8, (labels(300, 200)))
  end)
end)

describe("layout.frame legend labels", function()
  it("keep what tells long names apart: shortened in the middle, every series' label distinct", function()
    local pipeline = require "pipeline"
    local prefix = "Department of Regional Development and Infrastructure — "
    for _, ends in ipairs({ { "North", "South", "East", "West" }, { "0–5 m/s", "5–10 m/s", "> 10 m/s" } }) do
      local rows = {}
      for i, e in ipairs(ends) do
        for m = 1, 4 do rows[#rows + 1] = { m = m, v = i * m, s = prefix .. e } end
      end
      for _, size in ipairs({ { 300, 200 }, { 800, 600 } }) do
        local r = assert(pipeline.render({ type = "line", width = size[1], height = size[2], data = { values = rows },
          encoding = { x = { field = "m", type = "quantitative" }, y = { field = "v", type = "quantitative" },
            color = { field = "s", type = "nominal" } } }, { scene = true }))
        local seen, n = {}, 0
        for _, it in ipairs(r.scene.items) do
          if it.role == "legend-label" then
            assert.is_nil(seen[it.text], it.text .. " names two series")
            seen[it.text], n = true, n + 1
          end
        end
        assert.equal(#ends, n + (r.scene.thinned.legend or 0))
      end
    end
  end)
end)

describe("layout.frame in a box too small for its plot", function()
  it("leaves the bottom labels out (counted) instead of drawing them below the box", function()
    local opts = { x = { scale_kind = "band", domain = { "Jan", "Feb", "Mar" } },
      y = { scale_kind = "linear", domain = { 0, 100 } } }
    for _, h in ipairs({ 54, 60, 66 }) do
      local box = { x = 0, y = 0, width = 200, height = h }
      local f = frame.layout({}, THEME, box, opts)
      assert.equal(0, #f.bottom.labels)
      assert.equal(3, f.bottom.dropped)
      assert.is_true(f.plot.y + f.plot.height <= h, "plot inside the box at height " .. h)
    end
    local roomy = frame.layout({}, THEME, { x = 0, y = 0, width = 200, height = 120 }, opts)
    assert.equal(3, #roomy.bottom.labels)
    assert.is_nil(roomy.bottom.dropped)
  end)
end)
