-- Tests for charts.facet: grid of cells, shared scales, bins and category order, one colour per
-- category, every basic cell type, bad input, pixels.
local facet = require "charts.facet"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "m" }, y = { field = "v" }, column = { field = "r" } }
local ROWS = { { r = "A", m = "jan", v = 10 }, { r = "A", m = "feb", v = 20 }, { r = "B", m = "jan", v = 100 },
  { r = "B", m = "feb", v = 50 } }

describe("charts.facet", function()
  it("splits by column into cells sharing one y scale", function()
    local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, { chart = "bar" }))
    assert.equal(2, #l.cells)
    assert.same({ "A", "B" }, { l.cells[1].column, l.cells[2].column })
    local d1, d2 = l.cells[1].layout.frame.y.domain, l.cells[2].layout.frame.y.domain
    assert.same(d1, d2)
    assert.same({ 0, 100 }, d1)
    assert.equal(2, #l.cells[1].layout.bars)
    assert.is_true(l.cells[1].box.x + l.cells[1].box.width < l.cells[2].box.x)
  end)

  it("keeps each cell's own scale with shared_y = false", function()
    local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, { chart = "line", shared_y = false }))
    assert.are_not.same(l.cells[1].layout.frame.y.domain, l.cells[2].layout.frame.y.domain)
  end)

  it("colours a series alike in every cell, even when a cell lacks a series", function()
    local rows = { { r = "A", m = "jan", v = 1, s = "p" }, { r = "A", m = "jan", v = 2, s = "q" },
      { r = "B", m = "jan", v = 3, s = "q" } }
    local enc = { x = ENC.x, y = ENC.y, column = ENC.column, color = { field = "s" } }
    local l = cat.layout(facet, cat.spec("facet", rows, enc, { chart = "bar" }))
    local pal = require("themes").get("light").palette
    assert.equal(pal[2], l.cells[2].layout.bars[1].color)
    assert.is_nil(l.cells[1].layout.frame.legend)
    assert.equal(2, #l.frame.legend.items)
  end)

  it("needs a column or row field and at most 36 cells", function()
    local err = cat.error({ type = "facet", data = { values = ROWS }, encoding = { x = ENC.x, y = ENC.y } })
    assert.equal("missing_encoding", err.code)
    assert.equal("encoding.column: small multiples need encoding.column or encoding.row to split the data by",
      err.message)
    local many = cat.rows(40, function(i) return { r = "r" .. i, m = "a", v = 1 } end)
    assert.equal("invalid_data", cat.error({ type = "facet", data = { values = many }, encoding = ENC }).code)
  end)

  it("handles 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { r = "r" .. (i % 4), m = "m" .. (i % 6), v = i % 9 } end)
    assert.equal(800, cat.render({ type = "facet", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws every cell's bars (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local img = cat.render({ type = "facet", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, nil, { theme = theme_name }))
      for _, cell in ipairs(l.cells) do
        for _, b in ipairs(cell.layout.bars) do
          assert.equal(theme.palette[1], img:hex(b.x + b.w / 2, b.y + b.h * 0.6))
        end
      end
    end)
  end
end)

describe("charts.facet of every basic type", function()
  -- Three regions whose rows differ in range, order of first appearance and categories present.
  local rows = {}
  local devices = { "Mobile", "Desktop", "Tablet" }
  for r, region in ipairs({ "North", "South", "East" }) do
    for i = 1, 60 do
      local d = devices[(i + r) % 3 + 1]
      rows[#rows + 1] = { region = region, device = d, minutes = r * 10 + (i * 7) % 23, hour = 8 + i % 10,
        spend = (i % 5 + 1) * r, day = ({ "Mon", "Tue", "Wed" })[(i + r) % 3 + 1] }
    end
  end
  local COL = { field = "region" }

  local function facet_of(chart, enc, options)
    enc.column = COL
    local o = { chart = chart }
    for k, v in pairs(options or {}) do o[k] = v end
    return cat.layout(facet, cat.spec("facet", rows, enc, o))
  end

  it("needs the channels of the cell type, and names the allowed types", function()
    local err = cat.error({ type = "facet", data = { values = rows }, options = { chart = "pie" },
      encoding = { color = { field = "device" }, column = COL } })
    assert.equal("missing_encoding", err.code)
    assert.matches("encoding.theta", err.message, 1, true)
    local ok = cat.spec("facet", rows, { x = { field = "minutes" }, column = COL }, { chart = "histogram" })
    assert.equal("histogram", ok.options.chart)
    err = cat.error({ type = "facet", data = { values = rows }, options = { chart = "sankey" },
      encoding = { x = { field = "day" }, y = { field = "spend" }, column = COL } })
    assert.matches("options.chart: must be one of bar, line, area, scatter, histogram, box, pie, donut, heatmap",
      err.message, 1, true)
  end)

  it("bins every histogram cell alike and shares both axes", function()
    local l = facet_of("histogram", { x = { field = "minutes" } })
    assert.equal(3, #l.cells)
    local first = l.cells[1].layout
    for _, cell in ipairs(l.cells) do
      assert.same(first.bins.edges, cell.layout.bins.edges)
      assert.same(first.frame.x.domain, cell.layout.frame.x.domain)
      assert.same(first.frame.y.domain, cell.layout.frame.y.domain)
    end
    -- The edges span every region's values (10..32 up to 30..52).
    assert.is_true(first.bins.edges[1] <= 10 and first.bins.edges[#first.bins.edges] >= 52)
  end)

  it("orders box categories alike in every cell", function()
    local l = facet_of("box", { x = { field = "device" }, y = { field = "minutes" } })
    for _, cell in ipairs(l.cells) do
      local keys = {}
      for i, b in ipairs(cell.layout.boxes) do keys[i] = b.label end
      assert.same({ "Tablet", "Mobile", "Desktop" }, keys) -- first seen over all rows (South's own: Mobile first)
    end
  end)

  it("gives a pie category one colour in every cell, with pies in a near-square grid", function()
    local l = facet_of("pie", { theta = { field = "spend", sort = "descending" }, color = { field = "device" } })
    local legend = {}
    for _, item in ipairs(l.frame.legend.items) do legend[item.label] = item.color end
    assert.equal(3, #l.frame.legend.items)
    for _, cell in ipairs(l.cells) do
      for _, s in ipairs(cell.layout.slices) do assert.equal(legend[s.label], s.color, s.label) end
    end
    assert.equal(2, l.columns) -- three pies in 600x400: 2 + 1 make bigger circles than 3 in a row
    assert.equal(2, l.rows)
  end)

  it("puts every heatmap cell on one colour scale under one gradient legend", function()
    local l = facet_of("heatmap", { x = { field = "day" }, y = { field = "hour", bin = { maxbins = 4 } },
      color = { field = "spend", aggregate = "max" } })
    local lo, hi = math.huge, -math.huge
    for _, cell in ipairs(l.cells) do lo, hi = math.min(lo, cell.layout.min), math.max(hi, cell.layout.max) end
    local g = l.frame.legend
    assert.same({ "gradient", lo, 15 }, { g.kind, g.min, g.max }) -- East's largest is 15
    local north = l.cells[1].layout
    assert.equal(5, north.max)
    -- North's cells sit on the shared scale: its largest, 5, is far from the darkest end.
    for _, c in ipairs(north.cells) do assert.is_true(c.t <= (5 - lo) / (15 - lo) + 1e-9) end
    for _, cell in ipairs(l.cells) do
      assert.same(l.cells[1].layout.frame.x.categories, cell.layout.frame.x.categories)
      assert.same(l.cells[1].layout.model.ys, cell.layout.model.ys)
    end
  end)

  it("shares a scatter's x and its colour scale", function()
    local l = facet_of("scatter", { x = { field = "minutes" }, y = { field = "spend" },
      color = { field = "hour", type = "quantitative" } })
    local d = l.cells[1].layout.frame.x.domain
    assert.is_true(d[1] <= 10 and d[2] >= 52)
    for _, cell in ipairs(l.cells) do assert.same(d, cell.layout.frame.x.domain) end
    assert.same({ 8, 17 }, { l.frame.legend.min, l.frame.legend.max })
    local own = facet_of("scatter", { x = { field = "minutes" }, y = { field = "spend" } }, { shared_x = false })
    assert.are_not.same(own.cells[1].layout.frame.x.domain, own.cells[3].layout.frame.x.domain)
  end)

  for _, chart in ipairs({ "histogram", "box", "pie", "donut", "heatmap" }) do
    it("draws " .. chart .. " cells", function()
      local enc = ({
        histogram = { x = { field = "minutes" } },
        box = { x = { field = "device" }, y = { field = "minutes" } },
        pie = { theta = { field = "spend" }, color = { field = "device" } },
        donut = { theta = { field = "spend" }, color = { field = "device" } },
        heatmap = { x = { field = "day" }, y = { field = "device" }, color = { field = "spend" } },
      })[chart]
      enc.column = COL
      local img = cat.render({ type = "facet", data = { values = rows }, encoding = enc, options = { chart = chart },
        width = 600, height = 400 })
      assert.equal(600, img.width)
      local l = facet_of(chart, enc)
      assert.equal(3, #l.cells)
      for _, cell in ipairs(l.cells) do assert.is_truthy(cell.layout) end
    end)
  end
end)

describe("charts.facet's shared axes, read from the scene", function()
  local pipeline = require "pipeline"
  local checks = require "quality.scene_checks"
  -- Five groups whose shares span 0..1 times the group's number (own scales differ).
  local rows = {}
  for i = 1, 200 do
    local g = i % 5 + 1
    rows[i] = { g = "Group " .. g, w = 1000 + (i * 37) % 4000, f = g * ((i * 13) % 100) / 100,
      k = ({ "alpha", "beta", "gamma" })[i % 3 + 1], q = ({ "Q1", "Q2" })[i % 2 + 1] }
  end
  local function scene(spec, w, h)
    spec.data, spec.width, spec.height = { values = rows }, w or 800, h or 600
    local r, err = pipeline.render(spec, { scene = true })
    assert(r, err and err.message)
    assert.same({}, checks.check(r.scene))
    return r.scene
  end
  local function count(sc, pred)
    local n = 0
    for _, it in ipairs(sc.items) do if it.kind == "text" and pred(it) then n = n + 1 end end
    return n
  end
  local function titled(str) return function(it) return it.role == "axis-title" and it.text == str end end
  local function tick(v) return function(it) return it.role == "tick-label" and it.value == v end end
  local function named(str) return function(it) return it.role == "tick-label" and it.text == str end end
  local SCATTER = { type = "scatter", encoding = { x = { field = "w", type = "quantitative", title = "Weight" },
    y = { field = "f", type = "quantitative", title = "Share" }, column = { field = "g", type = "nominal" } } }

  for _, size in ipairs({ { 300, 200 }, { 480, 320 }, { 800, 600 }, { 1600, 400 } }) do
    it(("titles each axis once and shows a shared axis once per grid row or column (%dx%d)"):format(size[1],
      size[2]), function()
      -- 5 cells wrap into 3 columns × 2 rows; the third column's lowest cell is in the first row.
      local sc = scene(require("util.tables").deep_copy(SCATTER), size[1], size[2])
      assert.equal(1, count(sc, titled("Weight")))
      assert.equal(1, count(sc, titled("Share")))
      local ys, xs = {}, {}
      for _, it in ipairs(sc.items) do
        if it.role == "tick-label" and it.value and it.value > 0 then
          local t = it.value >= 1000 and xs or ys
          t[it.value] = (t[it.value] or 0) + 1
        end
      end
      assert.is_truthy(next(ys))
      assert.is_truthy(next(xs))
      for v, n in pairs(ys) do assert.equal(2, n, "y label " .. v) end -- one per grid row
      for v, n in pairs(xs) do assert.equal(3, n, "x label " .. v) end -- one per grid column
    end)
  end

  it("keeps each cell's own axis where the cells' scales differ", function()
    local spec = require("util.tables").deep_copy(SCATTER)
    spec.type, spec.options = "facet", { chart = "scatter", shared_y = false }
    local sc = scene(spec)
    assert.equal(1, count(sc, titled("Share")))
    -- Group 5's shares reach 5, the others' less: its y axis is its own, and it is drawn.
    assert.equal(1, count(sc, tick(5)))
    assert.is_true(count(sc, tick(1)) >= 4)
  end)

  it("shares category axes: a grid of bars names each category once per column", function()
    local sc = scene({ type = "facet", options = { chart = "bar" }, encoding = {
      x = { field = "k", type = "nominal", title = "Kind" }, y = { field = "w", type = "quantitative",
        aggregate = "sum", title = "Total weight" }, column = { field = "g", type = "nominal" },
      row = { field = "q", type = "nominal" } } })
    assert.equal(1, count(sc, titled("Kind")))
    assert.equal(1, count(sc, titled("Total weight")))
    assert.equal(5, count(sc, named("beta"))) -- 5 columns, 2 rows
    assert.equal(2, count(sc, tick(10000))) -- 2 rows
  end)

  it("gives every cell's plot the same size, labels or not", function()
    local spec = cat.spec("facet", rows, { y = { field = "k" }, x = { field = "w", aggregate = "mean" },
      column = { field = "g" } }, { chart = "bar" })
    local l = cat.layout(facet, spec)
    local p1 = l.cells[1].layout.frame.plot
    assert.equal(5, #l.cells)
    for _, cell in ipairs(l.cells) do
      local p = cell.layout.frame.plot
      assert.near(p1.width, p.width, 0.5)
      assert.near(p1.height, p.height, 0.5)
    end
    assert.equal(3, #l.cells[1].layout.frame.left.labels)
    assert.equal(0, #l.cells[2].layout.frame.left.labels)
  end)
end)

describe("charts.facet's sizes", function()
  it("draws a size on one scale in every cell, under one size key for the grid", function()
    local rows = {}
    for i = 1, 30 do rows[i] = { g = "g" .. (i % 3), x = i, y = i % 7, s = (i % 3 + 1) * 100 + i % 2 * 50 } end
    local spec = cat.spec("facet", rows, { x = { field = "x" }, y = { field = "y" }, size = { field = "s" },
      column = { field = "g" } }, { chart = "scatter" })
    local l = cat.layout(facet, spec)
    assert.equal("sizes", l.frame.size_legend.kind)
    local radius = {} -- size value → the radius it is drawn at, in whichever cell
    for _, cell in ipairs(l.cells) do
      assert.is_nil(cell.layout.frame.size_legend)
      local g = cell.layout.groups[1]
      for k, r in ipairs(cell.spec.data.columns.s) do
        local seen = radius[r]
        if seen then assert.near(seen, g.rs[k], 1e-9) else radius[r] = g.rs[k] end
      end
    end
    for _, e in ipairs(l.frame.size_legend.entries) do
      if radius[e.value] then assert.near(radius[e.value], e.r, 1e-9) end
    end
    assert.is_true(#l.frame.size_legend.entries >= 2)
  end)
end)

describe("charts.facet's data labels", function()
  it("share one precision across the cells: two values never read alike", function()
    local pipeline = require "pipeline"
    local checks = require "quality.scene_checks"
    -- Alone, each cell rounds to whole numbers: 70 and 69.6 would both read "70".
    local rows = { { g = "A", k = "p", v = 70 }, { g = "A", k = "q", v = 50 }, { g = "B", k = "p", v = 69.6 },
      { g = "B", k = "q", v = 30 } }
    local r = assert(pipeline.render({ type = "facet", options = { chart = "bar" }, width = 600,
      height = 400, data = { values = rows }, encoding = { x = { field = "k" }, y = { field = "v" },
        column = { field = "g" } } }, { scene = true }))
    assert.same({}, checks.check(r.scene))
    local texts = {}
    for _, it in ipairs(r.scene.items) do if it.role == "data-label" then texts[it.value] = it.text end end
    assert.same({ [70] = "70.0", [50] = "50.0", [69.6] = "69.6", [30] = "30.0" }, texts)
  end)
end)

describe("charts.facet's cell headers", function()
  it("keep the end that tells long names apart", function()
    local pipeline = require "pipeline"
    local rows = {}
    for i, e in ipairs({ "North", "South", "East", "West" }) do
      for m = 1, 3 do rows[#rows + 1] = { g = "Department of Regional Development and Infrastructure — " .. e, m = m,
        v = i * m } end
    end
    local r = assert(pipeline.render({ type = "facet", options = { chart = "bar" }, width = 480, height = 320,
      data = { values = rows }, encoding = { x = { field = "m", type = "ordinal" }, y = { field = "v" },
        column = { field = "g" } } }, { scene = true }))
    local headers = {}
    for _, it in ipairs(r.scene.items) do
      if it.role == "axis-title" and it.text:find("Dep", 1, true) then headers[#headers + 1] = it.text end
    end
    assert.equal(4, #headers)
    for i, e in ipairs({ "North", "South", "East", "West" }) do assert.matches(e .. "$", headers[i]) end
  end)
end)

describe("charts.facet's header rule", function()
  local text = require "layout.text"
  local font = { family = "DejaVu Sans", size = 11, weight = "bold" }
  local lh = text.line_height(font)

  it("one line shortened in the middle when that tells every cell apart", function()
    local names = { "Department of Regional Development North", "Department of Regional Development South" }
    local lines, h = facet.fit_headers(names, font, 120, 100)
    assert.equal(lh + 2, h)
    assert.matches("….* North$", lines[1][1])
    assert.matches("….* South$", lines[2][1])
  end)

  it("two lines when one would name two cells alike, and only when the cells have room", function()
    local names = { "Region North total", "Region South total" } -- alike at both ends
    local one = text.shorten(names[1], font, 70)
    assert.equal(one, text.shorten(names[2], font, 70)) -- one line would lie
    local lines, h = facet.fit_headers(names, font, 70, 100)
    assert.equal(2 * lh + 2, h)
    assert.are_not.same(lines[1], lines[2])
    assert.is_nil(facet.fit_headers(names, font, 70, 2 * lh)) -- no room for two lines: none
  end)

  it("none at all where a cut name keeps less than a few letters", function()
    local names = { "東京都 渋谷区 North", "서울특별시 North" }
    assert.is_nil(facet.fit_headers(names, font, text.width("Mm", font), 100))
  end)

  it("a 4x4 grid of CJK names at 300x200: no header, no collision, every title counted as thinned", function()
    local pipeline = require "pipeline"
    local checks = require "quality.scene_checks"
    local rows = {}
    for _, p in ipairs({ "東京都 渋谷区 ", "서울특별시 ", "القاهرة الجديدة ", "北京市 朝阳区 " }) do
      for _, e in ipairs({ "North", "South", "East", "West" }) do
        for m = 1, 3 do rows[#rows + 1] = { g = p .. e, m = m, v = m * #e } end
      end
    end
    local r = assert(pipeline.render({ type = "facet", options = { chart = "bar" }, width = 300, height = 200,
      title = "Sales", data = { values = rows }, encoding = { x = { field = "m", type = "ordinal" },
        y = { field = "v" }, column = { field = "g" } } }, { scene = true }))
    assert.same({}, checks.check(r.scene))
    assert.equal(16, r.scene.thinned.headers)
    for _, it in ipairs(r.scene.items) do assert.is_nil(it.text and it.text:find("North", 1, true)) end
  end)
end)

describe("column/row on a basic type", function()
  local pipeline = require "pipeline"
  local function scatter(extra)
    local s = { type = "scatter", width = 400, height = 300,
      data = { values = { { a = 1, b = 2, g = "x" }, { a = 2, b = 3, g = "y" }, { a = 3, b = 1, g = "x" } } },
      encoding = { x = { field = "a" }, y = { field = "b" } } }
    for k, v in pairs(extra or {}) do s.encoding[k] = v end
    return s
  end

  it("draws small multiples and keeps the spec's own type", function()
    local result = assert(pipeline.render(scatter { column = { field = "g" } }))
    assert.equal("scatter", result.spec.type)
    assert.equal("g", result.spec.encoding.column.field)
    -- the same as a facet spec of scatter cells
    local facet = scatter { column = { field = "g" } }
    facet.type, facet.options = "facet", { chart = "scatter" }
    local other = assert(pipeline.render(facet))
    assert.equal(#other.bytes > 0, #result.bytes > 0)
    assert.same(other.data_summary, result.data_summary)
  end)

  it("is refused for a type that cannot be split, naming its channels", function()
    local s = scatter()
    s.type, s.encoding.column = "radar", { field = "g" }
    local result, err = pipeline.render(s)
    assert.is_nil(result)
    assert.matches('unknown channel "column"', err.message, 1, true)
  end)
end)
