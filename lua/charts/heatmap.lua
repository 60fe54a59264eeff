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
local axes = require "charts.shared.axes"
local transform = require "data.transform"
local errors = require "util.errors"
local shared_values = require "charts.shared.values"
local describe = require "charts.shared.describe"

local M = {
  name = "heatmap",
  mark = "cell", -- the role of its marks in the scene
  encodings = { required = { "x", "y", "color" }, optional = {} },
  options = { labels = "boolean" },
}

M.DEFAULT_AGGREGATE = "mean"


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
    local starts = {}
    for j = 1, k do
      order[j] = j
      labels[j] = describe.number_text(b.edges[j]) .. "–" .. describe.number_text(b.edges[j + 1])
      starts[j] = b.edges[j]
    end
    return keys, order, labels, true, starts
  end
  local seen = {}
  for i = 1, n do
    local v = col[i]
    if v ~= nil and enc.type == "temporal" and enc.timeUnit then v = transform.time_unit(v, enc.timeUnit) end
    keys[i] = v
    if v ~= nil and not seen[v] then
      seen[v] = true
      order[#order + 1] = v
    end
  end
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

-- M.cells(spec) → { xs = {labels}, ys = {labels}, cells = { {i=, j=, value=} }, min=, max= }.
-- i indexes xs, j indexes ys; cells without rows are absent.
function M.cells(spec)
  local df, enc = spec.data, spec.encoding
  local xk, xorder, xlabels, _, xvalues = axis_keys(spec, "x")
  local yk, yorder, ylabels, yordered, yvalues = axis_keys(spec, "y")
  local xi, yi = {}, {}
  for i, v in ipairs(xorder) do xi[v] = i end
  for j, v in ipairs(yorder) do yi[v] = j end
  local op = enc.color.aggregate or M.DEFAULT_AGGREGATE
  local vcol = enc.color.field and df.columns[enc.color.field]
  local acc, list = {}, {}
  for r = 1, df.nrows do
    local i, j = xi[xk[r]], yi[yk[r]]
    if i and j then
      local id = (j - 1) * #xorder + i
      local cell = acc[id]
      if not cell then
        cell = { i = i, j = j, vals = {}, rows = 0 }
        acc[id] = cell
        list[#list + 1] = cell
      end
      cell.rows = cell.rows + 1
      if vcol then cell.vals[#cell.vals + 1] = vcol[r] end
    end
  end
  local out, lo, hi = {}, nil, nil
  for _, cell in ipairs(list) do
    local v
    if op == "count" then v = vcol and #cell.vals or cell.rows else v = transform.aggregate(cell.vals, op) end
    if v ~= nil then
      out[#out + 1] = { i = cell.i, j = cell.j, value = v, rows = cell.rows }
      if lo == nil or v < lo then lo = v end
      if hi == nil or v > hi then hi = v end
    end
  end
  return { xs = xlabels, ys = ylabels, y_ordered = yordered, cells = out, min = lo, max = hi, op = op,
    x_values = xvalues, y_values = yvalues }
end

-- Where v sits between the colour domain's ends, 0..1 (a flat domain is all 1).
function M.position(v, lo, hi)
  if hi == lo then return 1 end
  return math.max(0, math.min(1, (v - lo) / (hi - lo)))
end

-- One formatter for every cell, so labels share their decimals and tell the
-- values apart (format.for_values), unless the spec names a format.
function M.cell_format(cells, spec_format, number)
  local custom = format.from_spec(spec_format, nil, { number = number })
  if custom then return custom end
  local values = {}
  for i, cell in ipairs(cells) do values[i] = cell.value end
  return format.for_values(values, { number = number })
end

function M.layout(spec, theme, box)
  local m = M.cells(spec)
  local enc = spec.encoding
  local empty = #m.cells == 0
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
  local cells = {}
  local show_labels = spec.options.labels ~= false
  local fmt = M.cell_format(m.cells, enc.color.format, theme.number)
  for n, cell in ipairs(m.cells) do
    local t = M.position(cell.value, cs.min, cs.max)
    local fill = cs.at(cell.value)
    local text = fmt(cell.value)
    local c = { x = sx(m.xs[cell.i]), y = sy(m.ys[cell.j]), width = bw, height = bh, value = cell.value,
      color = fill, text = text, t = t, label = m.xs[cell.i], ylabel = m.ys[cell.j] }
    if show_labels then
      local w, h = canvas.measure_text(text, { font = lfont })
      if w + 6 > bw or h + 4 > bh then show_labels = false end
    end
    cells[n] = c
  end
  for _, c in ipairs(cells) do
    if show_labels then c.text_color = color.contrast_text(c.color, theme) end
  end
  return { frame = f, cells = cells, labels = show_labels, label_font = lfont, min = m.min, max = m.max,
    op = m.op, model = m, note = empty and "No data" or nil }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, cell in ipairs(layout.cells) do
    c:new_path()
    c:rect(cell.x, cell.y, cell.width, cell.height)
    c:set_color(cell.color)
    c:fill()
  end
  -- Gaps in the background colour separate neighbouring cells of similar colour.
  if #layout.cells > 0 then
    c:new_path()
    for _, cell in ipairs(layout.cells) do c:rect(cell.x, cell.y, cell.width, cell.height) end
    c:set_color(theme.background)
    c:set_line_width(1)
    c:stroke()
  end
  if layout.labels then
    for _, cell in ipairs(layout.cells) do
      c:text(cell.text, cell.x + cell.width / 2, cell.y + cell.height / 2, { font = layout.label_font,
        color = cell.text_color, align = "center", valign = "middle", role = "data-label", value = cell.value })
    end
  end
  if layout.note then axes.note(c, layout.frame, theme, layout.note) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local enc = spec.encoding
  local what = enc.color.title or enc.color.field or "values"
  local m = layout.model
  if #layout.cells == 0 then return string.format("Heatmap of %s with no data.", what) end
  local hi, lo = layout.cells[1], layout.cells[1]
  for _, cell in ipairs(layout.cells) do
    if cell.value > hi.value then hi = cell end
    if cell.value < lo.value then lo = cell end
  end
  local num = describe.number_text
  return string.format("Heatmap of %s by %s and %s, %d × %d cells; highest %s at %s, %s; lowest %s at %s, %s.",
    what, enc.x.title, enc.y.title, #m.xs, #m.ys, num(hi.value), hi.label, hi.ylabel, num(lo.value), lo.label,
    lo.ylabel)
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
  local cells = {}
  for n, c in ipairs(m.cells) do cells[n] = c end
  -- In the axes' order: along x, then up y.
  table.sort(cells, function(a, b) if a.i ~= b.i then return a.i < b.i end return a.j < b.j end)
  local rows = {}
  for n, c in ipairs(cells) do rows[n] = { m.x_values[c.i], m.y_values[c.j], c.value } end
  return require("charts.shared.summary").table({ enc.x.field, enc.y.field, vname }, rows)
end

return M
