-- Heatmap: a grid of x × y categories (nominal, binned numbers or time
-- periods), each cell coloured on the theme's sequential ramp by its value.
--
-- Several rows in one cell are averaged by default (encoding.color.aggregate
-- overrides): a mean keeps cells comparable when some cells have more rows
-- than others, where a sum would mostly show the row count.
local canvas = require "chartd.canvas"
local timeunit = require "data.timeunit"
local color = require "layout.color"
local format = require "layout.format"
local frame = require "layout.frame"
local dataframe = require "data.frame"
local axes = require "charts.shared.axes"
local transform = require "data.transform"
local errors = require "util.errors"
local shared_values = require "charts.shared.values"
local describe = require "charts.shared.describe"
local has_native, native = pcall(require, "chartd.columns")

local M = {
  name = "heatmap",
  encodings = { required = { "x", "y", "color" }, optional = {} },
  options = { labels = "boolean" },
  mark = "cell", -- the role of its marks in the scene
}

M.DEFAULT_AGGREGATE = "mean"

-- layout's loop placing and colouring the cells, in C when the loaded chartd.columns has it
M.native_place = has_native and native.place_cells or nil


-- One axis' categories: keys per row, the ordered list of keys and their labels.
local function axis_keys(spec, ch)
  local df, enc = spec.data, spec.encoding[ch]
  local col = shared_values.category(spec, ch, "heatmap rows and columns")
  local n = df.nrows
  local keys, labels = {}, {}
  local order = {}
  if enc.type == "quantitative" and enc.bin then
    local values = { n = n }
    for i = 1, n do values[i] = col[i] end
    local b, err = transform.bin(values, { maxbins = enc.bin.maxbins, step = enc.bin.step,
      extent = enc.bin.extent })
    if not b then error(errors.new("invalid_data", "encoding." .. ch .. ".bin", err)) end
    local k = #b.counts
    local starts = {}
    for i = 1, n do
      local v = col[i]
      if v ~= nil then
        local lo, hi = 1, k
        while lo < hi do
          local mid = (lo + hi + 1) // 2
          if v >= b.edges[mid] then lo = mid else hi = mid - 1 end
        end
        keys[i] = lo
      end
    end
    for j = 1, k do
      order[j] = j
      starts[j] = b.edges[j]
      labels[j] = describe.number_text(b.edges[j]) .. "–" .. describe.number_text(b.edges[j + 1])
    end
    return keys, order, labels, true, starts
  end
  local unit = enc.type == "temporal" and enc.timeUnit
  if unit then
    for i = 1, n do
      local v = col[i]
      if v ~= nil then v = transform.time_unit(v, unit) end
      keys[i] = v
    end
  else
    keys = col -- a row's key is its value: the column itself, only read
  end
  local first = dataframe.first_seen(keys, n) -- (validation listed a category column's already)
  order = table.move(first, 1, #first, 1, {}) -- sorted below: a copy
  local ordered = enc.type == "quantitative" or enc.type == "temporal"
  local sort = enc.sort
  if type(sort) == "table" then
    local rank = {}
    for i, v in ipairs(sort) do rank[tostring(v)] = i end
    local idx = {}
    for i, v in ipairs(order) do idx[v] = i end
    table.sort(order, function(a, b)
      local ra, rb = rank[tostring(a)] or math.huge, rank[tostring(b)] or math.huge
      if ra ~= rb then return ra < rb end
      return idx[a] < idx[b]
    end)
  elseif ordered or sort == "ascending" or sort == "descending" then
    local items = {}
    for i, v in ipairs(order) do items[i] = { v = v } end
    transform.sort(items, "v", sort == "descending" and "descending" or "ascending")
    for i, it in ipairs(items) do order[i] = it.v end
  end
  local grain = enc.timeUnit and timeunit.grain(enc.timeUnit) or (df.grain and df.grain[enc.field]) or "day"
  if grain == "datetime" then grain = "hour" end
  for i, v in ipairs(order) do
    if enc.type == "temporal" and enc.timeUnit then labels[i] = timeunit.label(v, enc.timeUnit)
    elseif enc.type == "temporal" then labels[i] = describe.date_text(v, grain)
    elseif type(v) == "number" then labels[i] = describe.number_text(v)
    else labels[i] = tostring(v) end
  end
  return keys, order, labels, ordered, order
end

-- M.cells(spec) → { xs = {labels}, ys = {labels}, x_values =, y_values = (the keys behind the
-- labels), n =, i = {}, j = {}, value = {}, rows = {}, min =, max =, op = }: cell k (1..n,
-- first-seen order) sits at xs[i[k]], ys[j[k]] and holds the aggregate of its rows. Cells
-- without rows (or with no value) are absent. Columns, not a table per cell: a large grid
-- costs arrays, not thousands of small tables.
function M.cells(spec)
  local df, enc = spec.data, spec.encoding
  local xk, xorder, xlabels, _, xvalues = axis_keys(spec, "x")
  local yk, yorder, ylabels, yordered, yvalues = axis_keys(spec, "y")
  local xi, yi = {}, {}
  for i, v in ipairs(xorder) do xi[v] = i end
  for j, v in ipairs(yorder) do yi[v] = j end
  local op = enc.color.aggregate or M.DEFAULT_AGGREGATE
  if op == "average" then op = "mean" end
  local vcol = enc.color.field and df.columns[enc.color.field]
  local out = { xs = xlabels, ys = ylabels, y_ordered = yordered, op = op, x_values = xvalues, y_values = yvalues }
  if has_native and native.cells then -- the same cells at C speed (count, sum, mean, min, max); nil: the loop below
    local ci, cj, cv, cr, n, lo, hi = native.cells(xk, xi, yk, yi, #xorder, #yorder, df.nrows, vcol or nil, op)
    if ci then
      out.i, out.j, out.value, out.rows, out.n, out.min, out.max = ci, cj, cv, cr, n, lo, hi
      return out
    end
  end
  -- Per cell (first-seen order): its grid position, row count, and what its aggregate needs.
  local slot, ci, cj, rows, sum, count, numbers, best, lists = {}, {}, {}, {}, {}, {}, {}, {}, {}
  -- count, sum, mean, min and max keep running values; any other aggregate its list
  local listed = not (op == "count" or op == "sum" or op == "mean" or op == "min" or op == "max")
  local nx, ncells, extreme = #xorder, 0, op == "min" or op == "max"
  for r = 1, df.nrows do
    local i, j = xi[xk[r]], yi[yk[r]]
    if i and j then
      local id = (j - 1) * nx + i
      local k = slot[id]
      if not k then
        ncells = ncells + 1
        k = ncells
        slot[id], ci[k], cj[k], rows[k], sum[k], count[k], numbers[k] = k, i, j, 0, 0, 0, 0
        if listed then lists[k] = {} end
      end
      rows[k] = rows[k] + 1
      local v = vcol and vcol[r]
      if v ~= nil then -- a count counts text too; the other aggregates read numbers only
        count[k] = count[k] + 1
        if type(v) == "number" then
          numbers[k] = numbers[k] + 1
          sum[k] = sum[k] + v
          if extreme then
            local b = best[k]
            if b == nil or (op == "min" and v < b) or (op == "max" and v > b) then best[k] = v end
          end
        end
        if listed then lists[k][#lists[k] + 1] = v end
      end
    end
  end
  out.i, out.j, out.value, out.rows, out.n = {}, {}, {}, {}, 0
  local lo, hi
  local oi, oj, ovalue, orows, n = out.i, out.j, out.value, out.rows, 0
  for k = 1, ncells do
    local v
    if op == "mean" then v = numbers[k] > 0 and sum[k] / numbers[k] or nil
    elseif op == "count" then v = vcol and count[k] or rows[k]
    elseif op == "sum" then v = sum[k]
    elseif extreme then v = best[k]
    else v = transform.aggregate(lists[k], op) end
    if v ~= nil then
      n = n + 1
      oi[n], oj[n], ovalue[n], orows[n] = ci[k], cj[k], v, rows[k]
      if lo == nil or v < lo then lo = v end
      if hi == nil or v > hi then hi = v end
    end
  end
  out.n, out.min, out.max = n, lo, hi
  return out
end

-- One formatter for every cell, so labels share their decimals and tell the
-- values apart (format.for_values), unless the spec names a format.
-- with: the other cells' label values in small multiples (one precision for the chart).
function M.cell_format(values, spec_format, number, with)
  local custom = format.from_spec(spec_format, nil, { number = number })
  if custom then return custom end
  return format.for_values(values, { number = number, with = with })
end

-- Past this many cells the grid is drawn as one image (canvas:grid) instead of one
-- rectangle per cell: the same pixels, at the cost of one rectangle. The reply's `drawing`
-- says which.
M.IMAGE_ABOVE = 400

-- Steps of the colour ramp: cells of nearly equal value share a colour computed once
-- (1/1024 of the ramp is below what 8-bit colour shows).
local RAMP_STEPS = 1024

-- The cells' geometry, as columns: cell k spans x[k], y[k] (its band's start), width × height.
function M.layout(spec, theme, box)
  local m = M.cells(spec)
  local enc = spec.encoding
  local empty = m.n == 0
  local lo, hi = axes.color_domain(enc.color, m.min or 0, m.max or 1)
  -- Numbers and dates read upwards on y; categories read top-down in their order.
  local ylabels = m.ys
  if m.y_ordered then
    ylabels = {}
    for j = #m.ys, 1, -1 do ylabels[#ylabels + 1] = m.ys[j] end
  end
  local cs = color.scale(enc.color, theme, lo, hi)
  local legend = not empty and { title = enc.color.title, gradient = { stops = cs.stops, min = cs.min, max = cs.max,
    format = enc.color.format } } or nil
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = "band", domain = m.xs, title = enc.x.title, padding = 0 },
    y = { scale_kind = "band", domain = ylabels, title = enc.y.title, padding = 0 },
    legend = legend, grid = false,
  })
  local sx, sy = f.x.scale, f.y.scale
  local bw = sx.bandwidth and sx:bandwidth() or sx.band
  local bh = sy.bandwidth and sy:bandwidth() or sy.band
  local lfont = { family = theme.font, size = theme.font_sizes.label }
  local ramp = {}
  local cells = { n = m.n, x = {}, y = {}, value = m.value, color = {}, t = {}, width = bw, height = bh }
  local xpos, ypos = {}, {}
  for i, label in ipairs(m.xs) do xpos[i] = sx(label) end
  for j, label in ipairs(m.ys) do ypos[j] = sy(label) end
  local cx, cy, cc, ct, mi, mj, mv = cells.x, cells.y, cells.color, cells.t, m.i, m.j, m.value
  local cmin, cmax, floor = cs.min, cs.max, math.floor
  local span = cmax - cmin
  local px, py, pc, pt -- the loop below, in C (nil: the loop)
  if M.native_place then px, py, pc, pt = M.native_place(mv, mi, mj, xpos, ypos, m.n, cmin, span, RAMP_STEPS, cs.at) end
  if px then cells.x, cells.y, cells.color, cells.t = px, py, pc, pt end
  for k = 1, px and 0 or m.n do
    local t = 1 -- where the value sits between the colour domain's ends, 0..1 (a flat domain: 1)
    if span ~= 0 then
      t = (mv[k] - cmin) / span
      if t > 1 or t ~= t then t = 1 elseif t < 0 then t = 0 end
    end
    local q = floor(t * RAMP_STEPS + 0.5)
    local fill = ramp[q]
    if not fill then
      fill = cs.at(cmin + q / RAMP_STEPS * (cmax - cmin))
      ramp[q] = fill
    end
    cx[k], cy[k], cc[k], ct[k] = xpos[mi[k]], ypos[mj[k]], fill, t
  end
  -- Labels only when every one fits its cell; the extremes are tried first, so a grid too
  -- fine for labels formats none.
  local function fits(text)
    local w, h = canvas.measure_text(text, { font = lfont })
    return w + 6 <= bw and h + 4 <= bh
  end
  -- A cell too small for one digit takes no label: then the values need no formatting.
  local show_labels = spec.options.labels ~= false and not empty and fits("0")
  local fmt = show_labels and M.cell_format(m.value, enc.color.format, theme.number, theme.label_values)
  if show_labels then show_labels = fits(fmt(m.min)) and fits(fmt(m.max)) end
  if show_labels then
    cells.text, cells.text_color = {}, {}
    for k = 1, m.n do
      local text = fmt(m.value[k])
      local w, h = canvas.measure_text(text, { font = lfont })
      if w + 6 > bw or h + 4 > bh then show_labels = false break end
      cells.text[k], cells.text_color[k] = text, color.contrast_text(cells.color[k], theme)
    end
  end
  local drawing = { method = m.n > M.IMAGE_ABOVE and "image" or "paths", cells = m.n }
  return { frame = f, cells = cells, labels = show_labels, label_font = lfont, min = m.min, max = m.max,
    op = m.op, model = m, drawing = drawing, note = empty and "No data" or nil }
end

-- The grid's columns × rows and each cell's colour at its place, for canvas:grid.
local function grid(layout)
  local cells, sx, sy = layout.cells, layout.frame.x.scale, layout.frame.y.scale
  local cols, rows = #sx.domain, #sy.domain
  local colors = {}
  local xs, ys, cc, x0, y0, w, h, floor = cells.x, cells.y, cells.color, sx.start, sy.start, cells.width,
    cells.height, math.floor
  -- a cell's place from its band's start, worked out once per column and row of the grid
  -- (cell k sits in the model's column i[k] and row j[k])
  local col_of, row_of, mi, mj = {}, {}, layout.model.i, layout.model.j
  for k = 1, cells.n do
    local i, j = mi[k], mj[k]
    local col, row = col_of[i], row_of[j]
    if not col then col = floor((xs[k] - x0) / w + 0.5) + 1; col_of[i] = col end
    if not row then row = floor((ys[k] - y0) / h + 0.5) * cols; row_of[j] = row end
    colors[row + col] = cc[k]
  end
  return sx.start, sy.start, cols * cells.width, rows * cells.height, cols, rows, colors
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local cells = layout.cells
  local w, h = cells.width, cells.height
  if layout.drawing.method == "image" then
    local x, y, gw, gh, cols, rows, colors = grid(layout)
    -- Gaps in the background colour separate neighbouring cells of similar colour.
    c:grid(x, y, gw, gh, cols, rows, colors, theme.background, 1)
  elseif cells.n > 0 then
    for k = 1, cells.n do
      c:new_path()
      c:rect(cells.x[k], cells.y[k], w, h)
      c:set_color(cells.color[k])
      c:fill()
    end
    c:new_path()
    for k = 1, cells.n do c:rect(cells.x[k], cells.y[k], w, h) end
    c:set_color(theme.background)
    c:set_line_width(1)
    c:stroke()
  end
  if layout.labels then
    for k = 1, cells.n do
      c:text(cells.text[k], cells.x[k] + w / 2, cells.y[k] + h / 2, { font = layout.label_font,
        color = cells.text_color[k], align = "center", valign = "middle", role = "data-label",
        value = cells.value[k] })
    end
  end
  if layout.note then axes.note(c, layout.frame, theme, layout.note) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local enc = spec.encoding
  local what = enc.color.title or enc.color.field or "values"
  local m = layout.model
  if m.n == 0 then return string.format("Heatmap of %s with no data.", what) end
  local hi, lo, value = nil, nil, m.value
  -- the first cell holding the largest and the smallest value (m.max and m.min, from them)
  for k = 1, m.n do if value[k] == m.max then hi = k break end end
  for k = 1, m.n do if value[k] == m.min then lo = k break end end
  if not (hi and lo) or value[1] ~= value[1] then -- a NaN among them: compare one by one
    hi, lo = 1, 1
    for k = 2, m.n do
      local v = value[k]
      if v > value[hi] then hi = k end
      if v < value[lo] then lo = k end
    end
  end
  local num = describe.number_text
  return string.format("Heatmap of %s by %s and %s, %d × %d cells; highest %s at %s, %s; lowest %s at %s, %s.",
    what, enc.x.title, enc.y.title, #m.xs, #m.ys, num(m.value[hi]), m.xs[m.i[hi]], m.ys[m.j[hi]],
    num(m.value[lo]), m.xs[m.i[lo]], m.ys[m.j[lo]])
end

M.sample = {
  type = "heatmap",
  title = "Website visits by weekday and hour",
  subtitle = "Average visits per hour, last 8 weeks",
  data = { values = (function()
    local rows = {}
    local days = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }
    for d, day in ipairs(days) do
      for h = 6, 22, 2 do
        local work = d <= 5 and 1 or 0.55
        local peak = math.exp(-((h - 13) ^ 2) / 18)
        local evening = math.exp(-((h - 20) ^ 2) / 6) * (d >= 5 and 0.9 or 0.5)
        rows[#rows + 1] = { day = day, hour = string.format("%02d:00", h),
          visits = math.floor(40 + 260 * work * peak + 180 * evening + (d * 7 + h) % 13) }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "hour", type = "ordinal", title = "Hour of day" },
    y = { field = "day", type = "nominal", title = "Weekday" },
    color = { field = "visits", type = "quantitative", title = "Visits" },
  },
}

-- data_summary: one row per drawn cell with its keys (dates as epoch seconds, bins as their
-- start) and its aggregated value.
function M.summary(spec, layout)
  local m, enc = layout.model, spec.encoding
  local vname = (m.op ~= "count" and enc.color.field) or "count"
  local summary = require "charts.shared.summary"
  -- In the axes' order: along x, then up y (the first MAX_ROWS cells of that order only).
  -- Only the cells of the first columns are looked up: `lim` columns are enough when they hold
  -- MAX_ROWS cells (a dense grid: MAX_ROWS / #ys of them), else twice as many are tried.
  local nx, mi, mj = #m.xs, m.i, m.j
  local function first_columns(lim)
    local at, found = {}, 0
    for k = 1, m.n do
      if mi[k] <= lim then at[(mj[k] - 1) * nx + mi[k]], found = k, found + 1 end
    end
    return at, found
  end
  local lim = math.ceil(summary.MAX_ROWS / math.max(1, #m.ys))
  local at, found = first_columns(lim)
  while found < summary.MAX_ROWS and lim < nx do
    lim = lim * 2
    at, found = first_columns(lim)
  end
  local rows = {}
  for i = 1, nx do
    for j = 1, #m.ys do
      local k = at[(j - 1) * nx + i]
      if k then rows[#rows + 1] = { m.x_values[i], m.y_values[j], m.value[k] } end
      if #rows >= summary.MAX_ROWS then break end
    end
    if #rows >= summary.MAX_ROWS then break end
  end
  return summary.table({ enc.x.field, enc.y.field, vname }, rows, m.n)
end

return M
