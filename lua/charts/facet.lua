-- Small multiples: the rows split by encoding.column (and/or encoding.row)
-- into a grid of cells, each drawn by a basic chart type (options.chart)
-- from a sub-spec holding that cell's rows. Every cell shares one y scale
-- (unless options.shared_y is false) and one colour per series, and a
-- single legend; each cell's own legend is laid outside its box and clipped.
local color = require "layout.color"
local frame = require "layout.frame"
local text = require "layout.text"
local errors = require "util.errors"
local series = require "charts.shared.series"
local values = require "charts.shared.values"

local M = {
  name = "facet",
  encodings = { required = { "x", "y" }, optional = { "color", "column", "row" } },
  options = { chart = { "bar", "line", "area", "scatter" }, shared_y = "boolean", stacked = "boolean" },
}

M.MAX_CELLS = 36
M.GAP = 10
M.CELL_PADDING = 4

-- Distinct values of a facet channel in first-seen order (sorted for numbers and dates).
local function facet_values(spec, ch)
  local enc = spec.encoding[ch]
  if not (enc and enc.field) then return { false }, nil end
  local col = spec.data.columns[enc.field]
  local seen, list = {}, {}
  for i = 1, spec.data.nrows do
    local v = col[i]
    local k = values.key_text(v)
    if not seen[k] then seen[k] = true; list[#list + 1] = { key = k, value = v } end
  end
  if enc.type ~= "nominal" and enc.type ~= "ordinal" then
    table.sort(list, function(a, b)
      if type(a.value) ~= type(b.value) then return type(a.value) == "number" end
      return a.value < b.value
    end)
  end
  local keys = {}
  for i, it in ipairs(list) do keys[i] = it.key end
  return keys, col
end

-- The rows of one cell as a frame of their own.
local function sub_frame(df, rows)
  local out = { names = df.names, types = df.types, grain = df.grain, columns = {}, nrows = #rows }
  for _, name in ipairs(df.names) do
    local src, dst = df.columns[name], {}
    for i, r in ipairs(rows) do dst[i] = src[r] end
    out.columns[name] = dst
  end
  return out
end

-- Grid of cells: { key_col=, key_row=, rows = {row indices} } and the grid's shape.
function M.cells(spec)
  local enc = spec.encoding
  if not ((enc.column and enc.column.field) or (enc.row and enc.row.field)) then
    error(errors.new("missing_encoding", "encoding.column",
      "small multiples need encoding.column or encoding.row to split the data by"))
  end
  local cols, ccol = facet_values(spec, "column")
  local rows, rcol = facet_values(spec, "row")
  local ncols, nrows = #cols, #rows
  -- Only a column field and many values: wrap into a near-square grid.
  local wrap = not rcol and ncols > 4
  local gcols = wrap and math.ceil(math.sqrt(ncols)) or ncols
  local grows = wrap and math.ceil(ncols / gcols) or nrows
  if ncols * nrows > M.MAX_CELLS then
    error(errors.new("invalid_data", ccol and "encoding.column.field" or "encoding.row.field", string.format(
      "at most %d cells; the data makes %d", M.MAX_CELLS, ncols * nrows)))
  end
  local ci, ri = {}, {}
  for i, k in ipairs(cols) do ci[k] = i end
  for i, k in ipairs(rows) do ri[k] = i end
  local cells = {}
  for r = 1, nrows do
    for c = 1, ncols do
      local idx = wrap and c or (r - 1) * ncols + c
      cells[idx] = { column = cols[c], row = rows[r], rows = {},
        gx = wrap and (c - 1) % gcols + 1 or c, gy = wrap and (c - 1) // gcols + 1 or r }
    end
  end
  for i = 1, spec.data.nrows do
    local c = ccol and ci[values.key_text(ccol[i])] or 1
    local r = rcol and ri[values.key_text(rcol[i])] or 1
    local cell = cells[wrap and c or (r - 1) * ncols + c]
    cell.rows[#cell.rows + 1] = i
  end
  return cells, gcols, grows
end

local function sub_spec(spec, cell, chart, y_domain)
  local enc = {}
  for ch, e in pairs(spec.encoding) do
    if ch ~= "column" and ch ~= "row" then enc[ch] = e end
  end
  if y_domain then
    local y = {}
    for k, v in pairs(enc.y) do y[k] = v end
    y.scale = { domain = y_domain }
    enc.y = y
  end
  local options = {}
  if chart == "bar" or chart == "area" then options.stacked = spec.options.stacked end
  return { type = chart, data = sub_frame(spec.data, cell.rows), encoding = enc, options = options,
    theme = spec.theme, width = spec.width, height = spec.height, scale = spec.scale, format = spec.format }
end

-- Lays out one cell; a right or top legend is pushed outside the cell's box.
local function layout_cell(mod, sspec, theme, box)
  local l = mod.layout(sspec, theme, box)
  local lg = l.frame and l.frame.legend
  if lg then
    local b = { x = box.x, y = box.y, width = box.width, height = box.height }
    if lg.position == "right" then b.width = b.width + lg.width + frame.BLOCK_GAP
    else b.y, b.height = b.y - lg.height - frame.BLOCK_GAP, b.height + lg.height + frame.BLOCK_GAP end
    l = mod.layout(sspec, theme, b)
    l.frame.legend = nil
  end
  return l
end

function M.layout(spec, theme, box)
  local chart = spec.options.chart or "bar"
  local mod = require("charts." .. chart)
  local cells, gcols, grows = M.cells(spec)
  -- One colour per series name across every cell.
  local legend, global = nil, {}
  local cenc = spec.encoding.color
  if cenc and cenc.field then
    local model = series.build(spec, { band = chart == "bar" })
    local pal = color.palette(theme, math.max(1, #model.series))
    local items = {}
    for i, s in ipairs(model.series) do
      global[tostring(s.name)] = pal[i]
      items[i] = { label = tostring(s.name), color = pal[i], shape = (chart == "line") and "line" or "square" }
    end
    legend = { title = cenc.title, items = items }
  end
  local f = frame.layout_simple(spec, theme, box, legend)
  local p = f.plot
  local hfont = text.font(theme, "axis_title", "bold")
  local hh = text.line_height(hfont)
  local cw = (p.width - M.GAP * (gcols - 1)) / gcols
  local ch = (p.height - M.GAP * (grows - 1)) / grows
  local cell_theme = {}
  for k, v in pairs(theme) do cell_theme[k] = v end
  cell_theme.padding = M.CELL_PADDING
  local has_col = spec.encoding.column and spec.encoding.column.field
  local has_row = spec.encoding.row and spec.encoding.row.field
  local function prepare(cell, y_domain)
    local sspec = sub_spec(spec, cell, chart, y_domain)
    local t = cell_theme
    if next(global) then
      local model = series.build(sspec, { band = chart == "bar" })
      local pal = {}
      for i, s in ipairs(model.series) do pal[i] = global[tostring(s.name)] or theme.palette[1] end
      if #pal > 0 then
        t = {}
        for k, v in pairs(cell_theme) do t[k] = v end
        t.palette = pal
      end
    end
    cell.theme = t
    local header = (has_col or has_row) and hh + 2 or 0
    cell.box = { x = p.x + (cell.gx - 1) * (cw + M.GAP), y = p.y + (cell.gy - 1) * (ch + M.GAP) + header,
      width = cw, height = ch - header }
    local parts = {}
    if has_row and cell.row then parts[#parts + 1] = cell.row end
    if has_col and cell.column then parts[#parts + 1] = cell.column end
    cell.header = { text = text.truncate(table.concat(parts, " · "), hfont, cw), x = cell.box.x + cw / 2,
      y = cell.box.y - 2 }
    cell.layout = layout_cell(mod, sspec, t, cell.box)
    cell.spec = sspec
  end
  local nonempty = {}
  for _, cell in pairs(cells) do if #cell.rows > 0 then nonempty[#nonempty + 1] = cell end end
  local lo, hi
  for _, cell in ipairs(nonempty) do
    prepare(cell, nil)
    local fy = cell.layout.frame.y
    local d = fy and fy.domain
    if d and type(d[1]) == "number" then lo, hi = math.min(lo or d[1], d[1]), math.max(hi or d[2], d[2]) end
  end
  if spec.options.shared_y ~= false and lo then
    for _, cell in ipairs(nonempty) do prepare(cell, { lo, hi }) end
  end
  local list = {}
  for i = 1, gcols * grows do if cells[i] then list[#list + 1] = cells[i] end end
  return { frame = f, cells = list, chart = chart, module = mod, header_font = hfont, y_domain = lo and { lo, hi },
    columns = gcols, rows = grows }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, cell in ipairs(layout.cells) do
    if cell.layout then
      c:save()
      c:rect(cell.box.x, cell.box.y, cell.box.width, cell.box.height)
      c:clip()
      layout.module.draw(c, cell.layout, cell.theme)
      c:restore()
    end
    if cell.header then
      c:text(cell.header.text, cell.header.x, cell.header.y, { font = layout.header_font, color = theme.foreground,
        align = "center", valign = "bottom" })
    end
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local by = {}
  for _, ch in ipairs({ "column", "row" }) do
    local e = spec.encoding[ch]
    if e and e.field then by[#by + 1] = (e.title or e.field) end
  end
  local parts = {}
  for _, cell in ipairs(layout.cells) do
    if cell.layout and #parts < 4 then
      local ok, s = pcall(layout.module.describe, cell.spec, cell.layout)
      if ok and s then
        local names = {}
        if cell.row then names[#names + 1] = cell.row end
        if cell.column then names[#names + 1] = cell.column end
        local name = table.concat(names, " · ")
        parts[#parts + 1] = name .. ": " .. (s:match("^.-%.%s+(.+)$") or s)
      end
    end
  end
  return string.format("Small multiples of %s charts, %d cells split by %s%s. %s", layout.chart, #layout.cells,
    table.concat(by, " and "), layout.y_domain and spec.options.shared_y ~= false and ", sharing one y scale" or "",
    table.concat(parts, " "))
end

M.sample = {
  type = "facet",
  title = "Monthly revenue by region",
  subtitle = "Thousands of EUR, one panel per region",
  data = { values = (function()
    local rows = {}
    local regions = { "North", "South", "East", "West" }
    local base = { 120, 90, 60, 150 }
    for r, name in ipairs(regions) do
      for m = 1, 6 do
        rows[#rows + 1] = { month = ("2024-%02d"):format(m), region = name, channel = "Online",
          revenue = base[r] * 0.4 + m * (r + 2) }
        rows[#rows + 1] = { month = ("2024-%02d"):format(m), region = name, channel = "Stores",
          revenue = base[r] * 0.6 - m * r * 0.8 }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "month", type = "temporal", timeUnit = "yearmonth", title = "Month" },
    y = { field = "revenue", type = "quantitative", aggregate = "sum", title = "Revenue (kEUR)" },
    color = { field = "channel", type = "nominal", title = "Channel" },
    column = { field = "region", type = "nominal", title = "Region" },
  },
  options = { chart = "bar", stacked = true },
}

return M
