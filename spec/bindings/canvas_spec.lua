-- Specs for chartd.canvas (src/lua_canvas.c, canvas_text.c, canvas_scene.c): pixels, scale, formats, text measuring.
local canvas = require "chartd.canvas"
local image = require "chartd.image"

local function pixel(img, x, y)
  return { img:pixel(x, y) }
end

local function red_on_white(scale)
  local c = canvas.new { format = "png", width = 40, height = 30, scale = scale }
  c:set_color("#ffffff")
  c:paint()
  c:set_color("#ff0000")
  c:rect(10, 5, 20, 10)
  c:fill()
  return assert(image.decode_png(c:finish()))
end

describe("chartd.canvas", function()
  it("draws a red rect on white, exact pixels inside and outside", function()
    local img = red_on_white(1)
    assert.are.equal(40, img.width)
    assert.are.equal(30, img.height)
    assert.are.same({ 255, 0, 0, 255 }, pixel(img, 10, 5))
    assert.are.same({ 255, 0, 0, 255 }, pixel(img, 29, 14))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 9, 5))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 30, 14))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 10, 15))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 0, 0))
  end)

  it("scale 2 doubles the device pixels, same layout", function()
    local img = red_on_white(2)
    assert.are.equal(80, img.width)
    assert.are.equal(60, img.height)
    assert.are.same({ 255, 0, 0, 255 }, pixel(img, 20, 10))
    assert.are.same({ 255, 0, 0, 255 }, pixel(img, 59, 29))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 19, 10))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 60, 29))
    assert.are.same({ 255, 255, 255, 255 }, pixel(img, 20, 30))
  end)

  it("keeps transparency where nothing was painted and un-premultiplies alpha", function()
    local c = canvas.new { width = 16, height = 16 }
    c:set_color("#0000ff80")
    c:rect(0, 0, 8, 16)
    c:fill()
    local img = assert(image.decode_png(c:finish { compression = 1 }))
    assert.are.same({ 0, 0, 255, 128 }, pixel(img, 3, 3))
    assert.are.same({ 0, 0, 0, 0 }, pixel(img, 12, 3))
  end)

  it("accepts #rgb and numeric colours", function()
    local c = canvas.new { width = 16, height = 16 }
    c:set_color("#0f0")
    c:rect(0, 0, 8, 16)
    c:fill()
    c:set_color(0, 0, 1, 1)
    c:rect(8, 0, 8, 16)
    c:fill()
    local img = assert(image.decode_png(c:finish()))
    assert.are.same({ 0, 255, 0, 255 }, pixel(img, 2, 2))
    assert.are.same({ 0, 0, 255, 255 }, pixel(img, 12, 2))
  end)

  it("fills a linear gradient from its first to its last stop", function()
    local c = canvas.new { width = 100, height = 16 }
    c:linear_gradient(0, 0, 100, 0, { { 0, "#000000" }, { 1, "#ffffff" } })
    c:paint()
    local img = assert(image.decode_png(c:finish()))
    local r0 = img:pixel(0, 8)
    local r50 = img:pixel(50, 8)
    local r99 = img:pixel(99, 8)
    assert.is_true(r0 <= 2)
    assert.is_true(r50 >= 124 and r50 <= 132)
    assert.is_true(r99 >= 252)
  end)

  it("draws polylines as the move_to/line_to calls they stand for", function()
    local rnd = require("charts.shared.sample_rng").lcg(4)
    local runs = {}
    for r = 1, 5 do
      local run = {}
      for k = 1, (r == 3 and 1 or 400) do run[k] = { rnd() * 300, rnd() * 200 } end -- run 3: one point, skipped
      runs[r] = run
    end
    runs[6] = {}
    local function draw(native)
      local c = canvas.new { format = "png", width = 300, height = 200 }
      c:set_line_width(1.5)
      c:set_line_cap("round")
      c:set_line_join("round")
      c:new_path()
      if native then
        c:polylines(runs)
      else
        for _, run in ipairs(runs) do
          if #run >= 2 then
            c:move_to(run[1][1], run[1][2])
            for k = 2, #run do c:line_to(run[k][1], run[k][2]) end
          end
        end
      end
      c:stroke()
      return c:finish()
    end
    assert.is_true(draw(true) == draw(false))
    local c = canvas.new { format = "png", width = 16, height = 16 }
    assert.has_error(function() c:polylines({ { { 1, 2 }, { 0 / 0, 3 } } }) end)
    assert.has_error(function() c:polylines({ "x" }) end)
  end)

  it("clips, saves and restores", function()
    local c = canvas.new { width = 20, height = 20 }
    c:save()
    c:rect(0, 0, 10, 20)
    c:clip()
    c:set_color("#ff0000")
    c:paint()
    c:restore()
    local img = assert(image.decode_png(c:finish()))
    assert.are.same({ 255, 0, 0, 255 }, pixel(img, 5, 5))
    assert.are.same({ 0, 0, 0, 0 }, pixel(img, 15, 5))
  end)

  it("writes SVG", function()
    local c = canvas.new { format = "svg", width = 200, height = 100 }
    c:set_color("#336699")
    c:rect(10, 10, 50, 50)
    c:fill()
    c:text("Hello", 100, 50, { font = { size = 14 } })
    local svg = c:finish()
    assert.is_truthy(svg:sub(1, 5) == "<?xml" or svg:sub(1, 4) == "<svg")
    assert.is_truthy(svg:find("</svg>", 1, true))
    assert.is_truthy(svg:find('width="200px"', 1, true)) -- px, not cairo's default pt
  end)

  it("writes PDF", function()
    local c = canvas.new { format = "pdf", width = 200, height = 100 }
    c:rect(10, 10, 50, 50)
    c:fill()
    local pdf = c:finish()
    assert.are.equal("%PDF", pdf:sub(1, 4))
    assert.is_truthy(pdf:find("%%EOF", 1, true))
  end)

  it("raises 'canvas is finished' after finish and after close", function()
    local c = canvas.new { width = 16, height = 16 }
    c:finish()
    assert.has_error(function() c:fill() end, "canvas is finished")
    local d = canvas.new { width = 16, height = 16 }
    d:close()
    d:close()
    assert.has_error(function() d:finish() end, "canvas is finished")
  end)

  describe("text", function()
    local font = { family = "DejaVu Sans", size = 12 }

    it("measure_text grows with string length and font size", function()
      local w1, h1, b1 = canvas.measure_text("Revenue", { font = font })
      local w2 = canvas.measure_text("Revenue by month", { font = font })
      local w3, h3, b3 = canvas.measure_text("Revenue", { font = { size = 24 } })
      assert.is_true(w1 > 0 and h1 > 0 and b1 > 0 and b1 < h1)
      assert.is_true(w2 > w1 * 2)
      assert.is_true(math.abs(w3 - 2 * w1) < 0.01)
      assert.is_true(math.abs(h3 - 2 * h1) < 0.01)
      assert.is_true(math.abs(b3 - 2 * b1) < 0.01)
    end)

    it("bold is wider than normal", function()
      local normal = canvas.measure_text("Revenue", { font = font })
      local bold = canvas.measure_text("Revenue", { font = { size = 12, weight = "bold" } })
      local w700 = canvas.measure_text("Revenue", { font = { size = 12, weight = 700 } })
      assert.is_true(bold > normal)
      assert.are.equal(bold, w700)
    end)

    it("measures the same at scale 1 and 2, on a canvas and without one", function()
      local s = "Quarterly revenue, 2024 (USD)"
      local w, h, b = canvas.measure_text(s, { font = font })
      for _, scale in ipairs { 1, 2, 0.5, 3 } do
        local c = canvas.new { width = 100, height = 100, scale = scale }
        local cw, ch, cb = c:measure_text(s, { font = font })
        assert.are.same({ w, h, b }, { cw, ch, cb })
        local tw, th = c:text(s, 0, 50, { font = font })
        assert.are.same({ w, h }, { tw, th })
        c:close()
      end
    end)

    it("text with max_width stays within the width (ellipsis)", function()
      local s = "A very long axis title that cannot possibly fit"
      local full = canvas.measure_text(s, { font = font })
      local w = canvas.measure_text(s, { font = font, max_width = 80 })
      assert.is_true(full > 80)
      assert.is_true(w <= 80 and w > 40)
      local c = canvas.new { width = 200, height = 40 }
      c:set_color("#fff")
      c:paint()
      local tw = c:text(s, 10, 20, { font = font, max_width = 80, color = "#000", valign = "middle" })
      assert.are.equal(w, tw)
      local img = assert(image.decode_png(c:finish()))
      local dark_left, dark_right = false, false
      for y = 0, 39 do
        for x = 10, 90 do
          if img:pixel(x, y) < 128 then dark_left = true end
        end
        for x = 91, 199 do
          if img:pixel(x, y) < 250 then dark_right = true end
        end
      end
      assert.is_true(dark_left)
      assert.is_false(dark_right)
    end)

    it("aligns right and center relative to x", function()
      local function ink_columns(align)
        local c = canvas.new { width = 200, height = 40 }
        c:set_color("#fff")
        c:paint()
        c:text("MMMM", 100, 20, { font = { size = 16 }, color = "#000", align = align, valign = "middle" })
        local img = assert(image.decode_png(c:finish()))
        local minx, maxx = math.huge, -1
        for y = 0, 39 do
          for x = 0, 199 do
            if img:pixel(x, y) < 128 then
              minx = math.min(minx, x)
              maxx = math.max(maxx, x)
            end
          end
        end
        return minx, maxx
      end
      local lmin = ink_columns("left")
      local _, rmax = ink_columns("right")
      local cmin, cmax = ink_columns("center")
      assert.is_true(lmin >= 100 and lmin <= 103)
      assert.is_true(rmax <= 100 and rmax >= 96)
      assert.is_true(math.abs((cmin + cmax) / 2 - 100) <= 2)
    end)

    it("rotates around (x, y)", function()
      local c = canvas.new { width = 60, height = 200 }
      c:set_color("#fff")
      c:paint()
      local w = c:text("MMMMMMMM", 30, 100, { font = { size = 14 }, color = "#000", align = "center",
        valign = "middle", angle = -math.pi / 2 })
      local img = assert(image.decode_png(c:finish()))
      local miny, maxy = math.huge, -1
      for y = 0, 199 do
        for x = 0, 59 do
          if img:pixel(x, y) < 128 then
            miny = math.min(miny, y)
            maxy = math.max(maxy, y)
          end
        end
      end
      assert.is_true(maxy - miny > w - 8 and maxy - miny <= w)
      assert.is_true(math.abs((miny + maxy) / 2 - 100) <= 2)
    end)
  end)

  describe("scene recording", function()
    local function recorder(scale)
      return canvas.new { format = "png", width = 200, height = 100, scale = scale, scene = true }
    end

    it("records nothing unless asked", function()
      local c = canvas.new { format = "png", width = 50, height = 50 }
      assert.is_false(c:recording())
      c:text("a", 1, 1, { role = "title" })
      assert.is_nil(c:scene())
    end)

    it("records each text with its role, value, shown text and bounds in user units at any scale", function()
      for _, scale in ipairs { 1, 2 } do
        local c = recorder(scale)
        local w, h = c:text("Hello", 10, 20, { role = "title", valign = "top" })
        c:text("12.5", 100, 50, { role = "data-label", value = 12.5, align = "center", valign = "middle" })
        c:text("A long label that is cut", 0, 80, { role = "tick-label", max_width = 40, valign = "top" })
        c:text("plain", 5, 5)
        local s = c:scene()
        assert.equal(200, s.width)
        local t = s.items[1]
        assert.same({ "text", "title", "Hello", 10, 20, w, h, 0 }, { t.kind, t.role, t.text, t.x, t.y, t.w, t.h, t.angle })
        assert.is_nil(t.value)
        assert.equal(12.5, s.items[2].value)
        assert.near(100, s.items[2].x + s.items[2].w / 2, 1e-9)
        assert.matches("\u{2026}$", s.items[3].text) -- pango's ellipsis is in the shown text
        assert.is_true(s.items[3].w <= 40)
        assert.equal("unlabelled", s.items[4].role)
      end
    end)

    it("gives rotated text its bounds and its own box", function()
      local c = recorder()
      local w, h = c:text("Revenue", 20, 50, { role = "axis-title", angle = -math.pi / 2, align = "center", valign = "top" })
      c:save()
      c:translate(150, 50)
      c:rotate(math.pi / 4)
      c:text("x", 0, 0, { role = "annotation", align = "center", valign = "middle" })
      c:restore()
      local t = c:scene().items[1]
      assert.near(h, t.w, 1e-9)
      assert.near(w, t.h, 1e-9)
      assert.near(20, t.x, 1e-9)
      assert.same({ -math.pi / 2, w, h }, { t.box.angle, t.box.w, t.box.h })
      assert.near(math.pi / 4, c:scene().items[2].angle, 1e-9)
      assert.near(150, c:scene().items[2].box.cx, 1e-9)
    end)

    it("refuses a misspelt role", function()
      local c = recorder()
      assert.has_error(function() c:text("a", 1, 1, { role = "caption" }) end)
    end)

    it("records marks: groups, clipped bounds, line points, auto marks and the legend", function()
      local c = recorder(2)
      c:mark_role("bar")
      c:begin_item("mark", "bar", { value = 3 })
      c:rect(10, 10, 20, 30)
      c:fill()
      c:end_item()
      c:save()
      c:rect(0, 0, 100, 100)
      c:clip()
      c:begin_item("mark", "line")
      c:move_to(50, 50)
      c:line_to(150, 90)
      c:set_line_width(2)
      c:stroke()
      c:end_item()
      c:restore()
      c:rect(150, 10, 10, 10)
      c:fill() -- outside auto marks: not recorded
      c:auto_marks(true)
      c:rect(160, 20, 10, 10)
      c:fill()
      c:auto_marks(false)
      c:begin_item("legend")
      c:rect(170, 60, 8, 8)
      c:fill()
      local tw = c:text("EU", 180, 60, { role = "legend-label", valign = "top" })
      c:end_item()
      c:record_plot(5, 6, 100, 80)
      c:record_thinned("x", 3)
      c:finish()
      local s = c:scene() -- still there after finish
      local items = {}
      for _, it in ipairs(s.items) do if it.kind ~= "text" then items[#items + 1] = it end end
      assert.equal(4, #items)
      assert.same({ "mark", "bar", 10, 10, 20, 30, 3 }, { items[1].kind, items[1].role, items[1].x, items[1].y,
        items[1].w, items[1].h, items[1].datum.value })
      assert.equal(100, items[2].x + items[2].w) -- clipped at the clip's edge
      assert.same({ { 50, 50 }, { 150, 90 } }, items[2].points)
      assert.same({ "bar", 160, 20 }, { items[3].role, items[3].x, items[3].y })
      assert.same({ "legend", 170 }, { items[4].kind, items[4].x })
      assert.near(180 + tw, items[4].x + items[4].w, 1e-9)
      assert.same({ x = 5, y = 6, w = 100, h = 80 }, s.plot)
      assert.same({ x = 3, y = 0, legend = 0, headers = 0 }, s.thinned)
    end)
  end)
end)

-- Long polylines with round joins on PNG canvases are stroked by src/fast_stroke.c, the rest by
-- cairo: both must give the same picture. The reference is cairo's stroke of the same path
-- with a dash longer than the line (dashed lines are left to cairo).
describe("chartd.canvas long strokes", function()
  local function walk(n, seed)
    local pts, y = {}, 100
    for i = 1, n do
      seed = (seed * 1103515245 + 12345) % 2147483648
      y = y + (seed / 2147483648 - 0.5) * 30
      pts[i] = { 10 + i * 300 / n, math.max(5, math.min(195, y)) }
    end
    return pts
  end
  local function draw(pts, by_cairo, opts)
    local c = canvas.new { format = "png", width = 320, height = 200, scale = opts.scale }
    c:set_color("#ffffff")
    c:paint()
    if opts.clip then c:rect(40.4, 30.6, 200.3, 120.2); c:clip() end
    c:set_color("#1f5faa")
    c:set_line_width(opts.width)
    c:set_line_join("round")
    c:set_line_cap("round")
    if by_cairo then c:set_dash({ 1e6, 1 }) end
    c:new_path()
    c:move_to(pts[1][1], pts[1][2])
    for i = 2, #pts do c:line_to(pts[i][1], pts[i][2]) end
    c:stroke()
    return assert(image.decode_png(c:finish()))
  end
  -- A shallow zigzag whose rows of samples run across many pixels (and the 16-pixel words the
  -- coverage is kept in), from beyond the canvas's left edge to beyond its right one.
  local function zigzag(step, x0)
    local pts = {}
    for i = 0, math.floor((340 - x0) / step) do
      pts[#pts + 1] = { x0 + i * step, 60 + (i % 2) * (3 + i % 5) + i * 2.3 }
    end
    return pts
  end
  for _, opts in ipairs({ { width = 2, scale = 1 }, { width = 1, scale = 1 }, { width = 2.5, scale = 2 },
    { width = 6, scale = 1, clip = true }, { width = 2, scale = 1, zigzag = { 23, -31.3 } },
    { width = 3.5, scale = 2, zigzag = { 37.7, -12 } },
    { width = 1.5, scale = 1, zigzag = { 41, 0.4 }, clip = true } }) do
    local what = ("width %g, scale %d%s%s"):format(opts.width, opts.scale, opts.clip and ", clipped" or "",
      opts.zigzag and ", shallow" or "")
    it("draws what cairo draws (" .. what .. ")", function()
        local pts = opts.zigzag and zigzag(opts.zigzag[1], opts.zigzag[2]) or walk(400, 11)
        local fast, cairo = draw(pts, false, opts), draw(pts, true, opts)
        local worst, sum = 0, 0
        for y = 0, fast.height - 1 do for x = 0, fast.width - 1 do
          local r1, g1, b1 = fast:pixel(x, y)
          local r2, g2, b2 = cairo:pixel(x, y)
          local d = math.max(math.abs(r1 - r2), math.abs(g1 - g2), math.abs(b1 - b2))
          worst, sum = math.max(worst, d), sum + d
        end end
        -- coverage is computed differently at the line's edge, by a few per cent at most
        assert.is_true(worst <= 64, ("a pixel differs by %d"):format(worst))
        local mean = sum / (fast.width * fast.height)
        assert.is_true(mean < 1, ("mean difference %.2f"):format(mean))
      end)
  end
end)

-- c:stamp renders the marker once per radius and quarter-pixel offset and composites copies
-- (src/stamp.c): the picture of one fill per marker, up to anti-aliasing. Markers that cross
-- the canvas's or the clip's edge are cut there; a point with a non-finite coordinate is not
-- drawn.
describe("chartd.canvas stamp", function()
  local render = require "charts.shared.render"
  local function points(n, seed)
    local xs, ys = {}, {}
    for i = 1, n do
      seed = (seed * 1103515245 + 12345) % 2147483648
      xs[i] = -12 + (seed / 2147483648) * 184 -- past both sides of a 160-wide canvas
      seed = (seed * 1103515245 + 12345) % 2147483648
      ys[i] = -9 + (seed / 2147483648) * 118
    end
    return xs, ys
  end
  local function draw(xs, ys, by_fills, opts)
    local c = canvas.new { format = "png", width = 160, height = 100, scale = opts.scale }
    c:set_color("#ffffff")
    c:paint()
    if opts.clip then c:rect(20.3, 15.6, 100.2, 60.4); c:clip() end
    c:set_color("#aa3311b0")
    c:new_path()
    if by_fills then
      for i = 1, #xs do
        if xs[i] == xs[i] and ys[i] == ys[i] and math.abs(xs[i]) < math.huge and math.abs(ys[i]) < math.huge then
          c:new_path()
          c:arc(xs[i], ys[i], opts.r, 0, 2 * math.pi)
          c:fill()
        end
      end
    else
      c:arc(0, 0, opts.r, 0, 2 * math.pi)
      c:stamp(xs, ys, nil, opts.r)
    end
    return assert(image.decode_png(c:finish()))
  end
  for _, opts in ipairs({ { r = 2.5, scale = 1 }, { r = 4, scale = 2 }, { r = 1.2, scale = 1, clip = true },
    { r = 7, scale = 1, n = 50 } }) do
    it(("draws what one fill a marker draws (radius %g, scale %d%s)"):format(opts.r, opts.scale,
      opts.clip and ", clipped" or ""), function()
      local xs, ys = points(opts.n or 120, 5)
      xs[17], ys[40], xs[41], ys[99] = 0 / 0, math.huge, -math.huge, 0 / 0
      local worst, differ, _, mean = render.diff(draw(xs, ys, true, opts), draw(xs, ys, false, opts))
      assert.is_true(worst <= 64, ("a pixel differs by %d (%d differ)"):format(worst, differ))
      assert.is_true(mean < 1.5, ("mean difference %.2f"):format(mean))
    end)
  end
end)
