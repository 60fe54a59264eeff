-- Small multiples: the rows split by encoding.column (and/or encoding.row)
-- into a grid of cells, each drawn by a basic chart type (options.chart)
-- from a sub-spec holding that cell's rows. The cells share what makes them
-- comparable: one numeric x and y scale (unless options.shared_x/shared_y is
-- false), categories in one order, the same bins
-- (histogram, binned heatmap axes), one colour per category and one colour
-- scale (heatmap, scatter by a number), under a single legend (cells draw none of
-- their own). An axis every cell shows alike is drawn
-- once: its labels left of each grid row and under each grid column, its title once for
-- the grid, and every cell's plot keeps the same size.
local color = require "layout.color"
local frame = require "layout.frame"
local text = require "layout.text"
local errors = require "util.errors"
local transform = require "data.transform"
local series = require "charts.shared.series"
local values = require "charts.shared.values"

-- The basic types a cell can be. Each of them also takes encoding.column/row itself
-- (Vega-Lite style: {"type": "scatter", "encoding": {…, "column": {"field": "region"}}}),
-- drawn through this module.
local CHARTS = require("charts").FACETABLE

local M = {
  name = "facet",
  mark = "mark", -- the role of its marks in the scene
  -- With the default options.chart (bar); encodings_for gives any cell type's.
  encodings = { required = { "x", "y" }, optional = { "color", "column", "row" } },
  options = { chart = CHARTS, shared_x = "boolean", shared_y = "boolean", stacked = "boolean" },
}

M.CHARTS = CHARTS

-- The type each cell is drawn as: options.chart of a facet spec, else the spec's own type.
function M.cell_type(spec)
  if spec.type == "facet" then return spec.options.chart or "bar" end
  return spec.type
end

-- The channels of a facet of options.chart: the cell type's own, plus column and row.
function M.encodings_for(options)
  local cell = require("charts." .. (options and options.chart or "bar")).encodings
  local optional = {}
  for i, ch in ipairs(cell.optional or {}) do optional[i] = ch end
  optional[#optional + 1] = "column"
  optional[#optional + 1] = "row"
  return { required = cell.required, optional = optional }
end

M.MAX_CELLS = 36
M.GAP = 10
M.CELL_PADDING = 4

-- Distinct values of a channel in first-seen order (sorted for numbers and
-- dates): their texts, the column, and the values (a missing one as "(missing)").
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
  local keys, raw = {}, {}
  for i, it in ipairs(list) do
    keys[i] = it.key
    if it.value == nil then raw[i] = "(missing)" else raw[i] = it.value end
  end
  return keys, col, raw
end

-- Lays a column-only grid of n cells out in gcols columns → gcols, rows.
local function reflow(cells, n, gcols)
  for i = 1, n do cells[i].gx, cells[i].gy = (i - 1) % gcols + 1, (i - 1) // gcols + 1 end
  return gcols, math.ceil(n / gcols)
end

-- The column count that gives n cells in a plot of this width/height
-- ratio the longest shorter side: round charts want square cells.
local function square_columns(n, aspect)
  local best, side = n, 0
  for c = 1, n do
    local s = math.min(aspect / c, 1 / math.ceil(n / c))
    if s > side + 1e-9 then best, side = c, s end
  end
  return best
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
      cells[idx] = { column = cols[c], row = rows[r], rows = {}, gx = c, gy = r }
    end
  end
  local gcols, grows = ncols, nrows
  if wrap then gcols, grows = reflow(cells, ncols, math.ceil(math.sqrt(ncols))) end
  for i = 1, spec.data.nrows do
    local c = ccol and ci[values.key_text(ccol[i])] or 1
    local r = rcol and ri[values.key_text(rcol[i])] or 1
    local cell = cells[wrap and c or (r - 1) * ncols + c]
    cell.rows[#cell.rows + 1] = i
  end
  return cells, gcols, grows
end

-- A shallow copy of table e (a channel, a theme) with key set to v.
local function with(e, key, v)
  local out = {}
  for k, x in pairs(e or {}) do out[k] = x end
  out[key] = v
  return out
end

-- shared = { bins = { [channel] = bin }, order = { [channel] = categories }, x, y, color, size = { lo, hi } }:
-- what every cell uses alike.
local function sub_spec(spec, cell, chart, shared)
  local enc = {}
  for ch, e in pairs(spec.encoding) do
    if ch ~= "column" and ch ~= "row" then enc[ch] = e end
  end
  for ch, bin in pairs(shared.bins) do enc[ch] = with(enc[ch], "bin", bin) end
  for ch, list in pairs(shared.order) do enc[ch] = with(enc[ch], "sort", list) end
  for _, ch in ipairs({ "x", "y", "color", "size" }) do
    if shared[ch] then enc[ch] = with(enc[ch], "scale", with(enc[ch] and enc[ch].scale, "domain", shared[ch])) end
  end
  local options = {}
  if chart == "bar" or chart == "area" then options.stacked = spec.options.stacked end
  return { type = chart, data = cell.df or sub_frame(spec.data, cell.rows), encoding = enc, options = options,
    theme = spec.theme, width = spec.width, height = spec.height, scale = spec.scale, format = spec.format }
end

-- The bins of all rows, as the { step, extent } each cell bins by: a
-- histogram's x, a heatmap's binned quantitative axes.
local function shared_bins(spec, chart)
  local found = {}
  if chart == "histogram" then
    found.x = require("charts.histogram").bins(spec)
  elseif chart == "heatmap" then
    for _, ch in ipairs({ "x", "y" }) do
      local e = spec.encoding[ch]
      if e.bin and e.type == "quantitative" then
        local col, list = spec.data.columns[e.field], { n = spec.data.nrows }
        for i = 1, list.n do list[i] = col[i] end
        found[ch] = transform.bin(list, e.bin) -- nil on a bad bin: the cell reports it
      end
    end
  end
  local out = {}
  for ch, b in pairs(found) do
    if b.step and #b.edges > 1 then out[ch] = { step = b.step, extent = { b.edges[1], b.edges[#b.edges] } } end
  end
  return out
end

-- Categories in one order in every cell: a nominal or ordinal x or y the user did not sort.
local function shared_order(spec)
  local out = {}
  for _, ch in ipairs({ "x", "y" }) do
    local e = spec.encoding[ch]
    if e and e.field and (e.type == "nominal" or e.type == "ordinal") and e.sort == nil then
      out[ch] = select(3, facet_values(spec, ch))
    end
  end
  return out
end

-- Does the chart map colour through a gradient (one scale for every cell)?
local function gradient_color(chart, cenc)
  return chart == "heatmap" or (chart == "scatter" and cenc.type == "quantitative")
end

-- The colour numbers' extent over every cell: a heatmap's aggregated cells, a scatter's values.
local function color_extent(spec, chart, cells, shared)
  local lo, hi
  local function widen(a, b)
    if a ~= nil then lo, hi = math.min(lo or a, a), math.max(hi or b, b) end
  end
  if chart == "heatmap" then
    local heatmap = require "charts.heatmap"
    for _, cell in ipairs(cells) do
      local m = heatmap.cells(sub_spec(spec, cell, chart, shared))
      widen(m.min, m.max)
    end
  else
    local col = spec.data.columns[spec.encoding.color.field]
    for i = 1, spec.data.nrows do
      if type(col[i]) == "number" then widen(col[i], col[i]) end
    end
  end
  return lo, hi
end

-- A cell's colour categories in the order its chart hands out palette colours
-- (false for a pie's "Other", which is always muted).
local function cell_categories(chart, sspec)
  local out = {}
  if chart == "pie" or chart == "donut" then
    for i, s in ipairs(require("charts.pie").slices(sspec)) do out[i] = not s.other and values.key_text(s.key) end
  else
    for i, s in ipairs(series.build(sspec, { band = chart == "bar" }).series) do out[i] = values.key_text(s.name) end
  end
  return out
end

-- The numbers the laid-out cells' data labels show: bars' labels, heatmap cells' values
-- when they are labelled.
local function cell_label_values(cells)
  local out = {}
  for _, cell in ipairs(cells) do
    local l = cell.layout
    if type(l.labels) == "table" then
      for _, lab in ipairs(l.labels) do
        if type(lab.value) == "number" then out[#out + 1] = lab.value end
      end
    elseif l.labels == true and l.model then
      for k = 1, l.model.n do out[#out + 1] = l.model.value[k] end
    end
  end
  return out
end

-- ------------------------------------------------------------ shared axes

-- What a drawn axis shows: its kind and every tick's label at its place along the plot
-- (two cells show the same axis when these agree).
local function axis_signature(a, plot)
  if not a then return "none" end
  local parts = { a.kind }
  for _, t in ipairs(a.ticks) do
    local along = a.orient == "bottom" and (t.pos - plot.x) / plot.width or (t.pos - plot.y) / plot.height
    parts[#parts + 1] = ("%s@%.2f"):format(t.label, along)
  end
  return table.concat(parts, "|")
end

-- Decides which drawn sides every cell shares (placed[side] = true) and which cells show
-- those labels (cell.shows): the y axis by the leftmost cell of each grid row, the x axis
-- by the lowest cell of each grid column. Returns the axis titles, drawn once for the grid.
local function shared_axes(cells, placed)
  local titles = {}
  for _, side in ipairs({ "bottom", "left" }) do
    local first
    placed[side] = true
    for _, cell in ipairs(cells) do
      local f = cell.layout.frame
      local sig = axis_signature(f[side], f.plot)
      first = first or sig
      if sig ~= first then placed[side] = nil end
      titles[side] = titles[side] or (f[side] and f[side].title_text)
    end
    if first == "none" then placed[side] = nil end
  end
  for _, cell in ipairs(cells) do
    cell.shows = { left = true, bottom = true }
    for _, other in ipairs(cells) do
      if other.gy == cell.gy and other.gx < cell.gx then cell.shows.left = false end
      if other.gx == cell.gx and other.gy > cell.gy then cell.shows.bottom = false end
    end
  end
  return titles
end

-- How far the shown labels of the laid-out cells reach past their boxes: the room the
-- grid needs left of its first column, under its last row, between columns, and at its
-- right where a label would pass the canvas's edge (`right`).
local function label_reach(cells, grows, right)
  local need = { left = 0, bottom = 0, colgap = 0, right = 0 }
  local over_l, over_r = 0, 0
  for _, cell in ipairs(cells) do
    local f, b = cell.layout.frame, cell.box
    for _, l in ipairs(cell.shows.left and f.left and f.left.labels or {}) do
      if cell.gx == 1 then need.left = math.max(need.left, b.x - frame.label_bounds(l)[1]) end
    end
    for _, l in ipairs(cell.shows.bottom and f.bottom and f.bottom.labels or {}) do
      local lb = frame.label_bounds(l)
      if cell.gy == grows then need.bottom = math.max(need.bottom, lb[4] - (b.y + b.height)) end
      over_l, over_r = math.max(over_l, b.x - lb[1]), math.max(over_r, lb[3] - (b.x + b.width))
      need.right = math.max(need.right, lb[3] - right)
    end
  end
  need.colgap = over_l + over_r + frame.LABEL_GAP
  return need, over_r
end

-- Lays the cells out again with their shared axes' labels beyond their boxes (only the
-- cells that show them) and the axis titles taken out, growing the grid's room for them
-- until the labels fit (two rounds in practice).
local function lay_out_shared(cells, placed, geom, titles, theme, grows, prepare, right)
  local th = text.line_height(text.font(theme, "axis_title")) + frame.TITLE_GAP
  geom.title_left = titles.left and th or 0
  geom.title_bottom = titles.bottom and th or 0
  if not next(placed) then
    if titles.left or titles.bottom then for _, cell in ipairs(cells) do prepare(cell) end end
    return
  end
  for _ = 1, 3 do
    for _, cell in ipairs(cells) do prepare(cell) end
    local need, over_r = label_reach(cells, grows, right)
    local grown = false
    for _, k in ipairs({ "left", "bottom", "colgap" }) do
      if placed[k == "left" and "left" or "bottom"] and need[k] > geom[k] + 0.5 then geom[k], grown = need[k], true end
    end
    if placed.bottom and need.right > 0.5 then geom.right, grown = geom.right + need.right, true end
    for _, cell in ipairs(cells) do
      local b = cell.box
      local x0 = cell.shows.left and b.x - geom.left - M.GAP or b.x
      local y1 = cell.shows.bottom and b.y + b.height + geom.bottom + M.GAP or b.y + b.height
      cell.clip = { x = x0, y = b.y, width = b.x + b.width + over_r - x0, height = y1 - b.y }
    end
    if not grown then return end
  end
end

-- The grid's axis titles: the y title turned a quarter along the cells' left edge, the x
-- title under the cells, each centred on the cells and shortened to their extent.
local function place_titles(titles, theme, p, geom)
  local out = {}
  local font = text.font(theme, "axis_title")
  local x0 = p.x + geom.title_left + geom.left
  local y1 = p.y + p.height - geom.title_bottom - geom.bottom
  if titles.left then
    out[#out + 1] = { text = text.shorten(titles.left, font, y1 - p.y), font = font, angle = -math.pi / 2,
      x = p.x, y = (p.y + y1) / 2 }
  end
  if titles.bottom then
    local x1 = p.x + p.width - geom.right
    out[#out + 1] = { text = text.shorten(titles.bottom, font, x1 - x0), font = font, angle = 0,
      x = (x0 + x1) / 2, y = p.y + p.height - geom.title_bottom + frame.TITLE_GAP }
  end
  return out
end

-- The least height a cell needs under its header: its padding, half a tick label above and
-- below the plot, and MIN_CELL_PLOT of plot.
M.MIN_CELL_PLOT = 20
local function cell_need(theme)
  return 2 * M.CELL_PADDING + text.line_height(text.font(theme, "tick")) + M.MIN_CELL_PLOT
end

-- The cells' headers for cells cw wide with `room` above their plot: one line shortened in
-- the middle (names alike differ at their end), else two wrapped lines — the first that fits
-- the room, tells every cell apart and, where a name is cut, keeps at least MIN_LABEL's
-- width of it. Returns each name's lines and their height, or nil and 0: the grid is too
-- small for legible headers, which are left out (counted in the scene's thinned.headers).
function M.fit_headers(names, font, cw, room)
  local lh = text.line_height(font)
  local legible = text.width(frame.MIN_LABEL, font) <= cw
  for n = 1, 2 do
    if n * lh + 2 > room then break end
    local out, seen = {}, {}
    for i, name in ipairs(names) do
      local lines = n == 1 and { name } or text.wrap(name, font, cw)
      if #lines > n then lines = { lines[1], table.concat(lines, " ", 2) } end
      for k, l in ipairs(lines) do
        local s, cut = text.shorten(l, font, cw)
        if cut and not legible then out = nil; break end
        lines[k] = s
      end
      local key = out and table.concat(lines, "\n")
      if not key or seen[key] then out = nil; break end
      seen[key], out[i] = true, lines
    end
    if out then return out, n * lh + 2 end
  end
  return nil, 0
end
local fit_headers = M.fit_headers

function M.layout(spec, theme, box)
  local chart = M.cell_type(spec)
  local mod = require("charts." .. chart)
  local cells, gcols, grows = M.cells(spec)
  local nonempty = {}
  for i = 1, gcols * grows do
    if cells[i] and #cells[i].rows > 0 then nonempty[#nonempty + 1] = cells[i] end
  end
  local shared = { bins = shared_bins(spec, chart), order = shared_order(spec) }
  -- One colour per category across every cell, or one colour scale; one legend for all.
  local legend, global = nil, nil
  local cenc = spec.encoding.color
  if cenc and cenc.field and gradient_color(chart, cenc) then
    local lo, hi = color_extent(spec, chart, nonempty, shared)
    if lo then
      local cs = color.scale(cenc, theme, lo, hi)
      shared.color = { cs.min, cs.max }
      legend = { title = cenc.title, gradient = { stops = cs.stops, min = cs.min, max = cs.max, format = cenc.format } }
    end
  elseif cenc and cenc.field then
    local keys = facet_values(spec, "color")
    local pal = color.categorical(cenc, theme, math.max(1, #keys))
    local items = {}
    global = {}
    for i, k in ipairs(keys) do
      global[k] = pal[i]
      items[i] = { label = k, color = pal[i], shape = (chart == "line") and "line" or "square" }
    end
    legend = { title = cenc.title, items = items }
  end
  -- Sizes on one scale in every cell, under one size key.
  local senc, size_key = spec.encoding.size, nil
  if chart == "scatter" and senc and senc.field then
    local col, lo, hi = spec.data.columns[senc.field], nil, nil
    for i = 1, spec.data.nrows do
      local v = col[i]
      if type(v) == "number" then lo, hi = math.min(lo or v, v), math.max(hi or v, v) end
    end
    if lo then
      local scatter = require "charts.scatter"
      shared.size = { lo, hi }
      size_key = scatter.size_key(senc, lo, hi, scatter.largest_radius(theme),
        not (cenc and cenc.field) and theme.palette[1] or nil)
    end
  end
  local f = frame.layout_simple(spec, theme, box, legend, size_key)
  local p = f.plot
  local has_col = spec.encoding.column and spec.encoding.column.field
  local has_row = spec.encoding.row and spec.encoding.row.field
  local cartesian = chart ~= "pie" and chart ~= "donut"
  if not cartesian and not has_row then
    gcols, grows = reflow(cells, #cells, square_columns(#cells, p.width / p.height))
  end
  local hfont = text.font(theme, "axis_title", "bold")
  local names = {} -- each drawn cell's name: its row and column values
  for i, cell in ipairs(nonempty) do
    local parts = {}
    if has_row and cell.row then parts[#parts + 1] = cell.row end
    if has_col and cell.column then parts[#parts + 1] = cell.column end
    names[i], cell.name = table.concat(parts, " · "), i
  end
  local heads = { key = nil, lines = nil, height = 0 } -- the header rule's answer for one cell size
  -- The grid's room for what it draws once: the axis titles, the shared axes' labels
  -- (beyond the first column and under each column's lowest cell) and wider column gaps
  -- where labels under neighbouring cells would meet.
  local geom = { title_left = 0, title_bottom = 0, left = 0, bottom = 0, colgap = M.GAP, right = 0 }
  local placed = {} -- drawn side ("bottom"/"left") → true when every cell shows the same axis there
  -- Cells draw no legends of their own (the grid's one legend stands for them all).
  local cell_theme = with(with(theme, "padding", M.CELL_PADDING), "legend_orient", "none")
  if cartesian then cell_theme = with(cell_theme, "axis_titles", false) end
  local need = cell_need(theme)
  local function place(cell)
    local w = p.width - geom.title_left - geom.left - geom.right
    local h = p.height - geom.title_bottom - geom.bottom
    local cw = (w - geom.colgap * (gcols - 1)) / gcols
    local ch = (h - M.GAP * (grows - 1)) / grows
    local key = ("%.2f %.2f"):format(cw, ch)
    if (has_col or has_row) and heads.key ~= key then
      heads.key = key
      heads.lines, heads.height = fit_headers(names, hfont, cw, ch - need)
    end
    cell.box = { x = p.x + geom.title_left + geom.left + (cell.gx - 1) * (cw + geom.colgap),
      y = p.y + (cell.gy - 1) * (ch + M.GAP) + heads.height, width = cw, height = ch - heads.height }
  end
  local function prepare(cell)
    cell.df = cell.df or sub_frame(spec.data, cell.rows)
    local sspec = sub_spec(spec, cell, chart, shared)
    local t = cell_theme
    if global then
      local pal = {}
      for i, k in ipairs(cell_categories(chart, sspec)) do pal[i] = k and global[k] or theme.palette[1] end
      if #pal > 0 then t = with(t, "palette", pal) end
    end
    if next(placed) then
      local tl = {}
      for side in pairs(placed) do tl[side] = cell.shows[side] and "outside" or "hidden" end
      t = with(t, "tick_labels", tl)
    end
    cell.theme = t
    place(cell)
    cell.header = heads.lines and { lines = heads.lines[cell.name], x = cell.box.x + cell.box.width / 2,
      y = cell.box.y - 2, line_height = text.line_height(hfont) }
    cell.layout = mod.layout(sspec, t, cell.box)
    cell.spec = sspec
  end
  -- Lay every cell out, note the union of their numeric x and y domains, and
  -- lay them out again on those (unless options.shared_x/shared_y is false).
  local union = {}
  for _, cell in ipairs(nonempty) do
    prepare(cell)
    for _, ch in ipairs({ "x", "y" }) do
      local axis = cell.layout.frame[ch]
      local d = axis and axis.domain
      if d and type(d[1]) == "number" then
        local u = union[ch]
        union[ch] = u and { math.min(u[1], d[1]), math.max(u[2], d[2]) } or { d[1], d[2] }
      end
    end
  end
  local again = false
  for _, ch in ipairs({ "x", "y" }) do
    if union[ch] and spec.options["shared_" .. ch] ~= false then shared[ch], again = union[ch], true end
  end
  if again then
    for _, cell in ipairs(nonempty) do prepare(cell) end
  end
  local titles = {}
  if cartesian and #nonempty > 0 then
    titles = shared_axes(nonempty, placed)
    lay_out_shared(nonempty, placed, geom, titles, theme, grows, prepare, box.x + box.width)
  end
  -- Data labels with one precision across the cells: every cell's label values known, the
  -- cells lay their labels out again with them (format.for_values' `with`).
  local label_values = cell_label_values(nonempty)
  if #label_values > 0 then
    cell_theme = with(cell_theme, "label_values", label_values)
    for _, cell in ipairs(nonempty) do prepare(cell) end
  end
  local lo, hi = union.y and union.y[1], union.y and union.y[2]
  local list = {}
  for i = 1, gcols * grows do if cells[i] then list[#list + 1] = cells[i] end end
  return { frame = f, cells = list, chart = chart, module = mod, header_font = hfont, y_domain = lo and { lo, hi },
    headers_left_out = (has_col or has_row) and not heads.lines and #nonempty or 0,
    columns = gcols, rows = grows, titles = place_titles(titles, theme, p, geom) }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, cell in ipairs(layout.cells) do
    if cell.layout then
      local r = cell.clip or cell.box
      c:save()
      c:rect(r.x, r.y, r.width, r.height)
      c:clip()
      layout.module.draw(c, cell.layout, cell.theme)
      c:restore()
    end
    local h = cell.header
    for k, line in ipairs(h and h.lines or {}) do
      c:text(line, h.x, h.y - (#h.lines - k) * h.line_height, { font = layout.header_font,
        color = theme.foreground, align = "center", valign = "bottom", role = "axis-title" })
    end
  end
  c:record_thinned("headers", layout.headers_left_out)
  local g = layout.frame.plot -- the scene's plot is the grid's, not the last cell's
  c:record_plot(g.x, g.y, g.width, g.height)
  for _, t in ipairs(layout.titles) do
    c:text(t.text, t.x, t.y, { font = t.font, color = theme.muted or theme.foreground, align = "center",
      valign = "top", angle = t.angle, role = "axis-title" })
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

-- data_summary: every cell's own table, the cell's row and column values in front.
function M.summary(spec, layout)
  local summary = require "charts.shared.summary"
  local lead = {}
  for _, ch in ipairs({ "row", "column" }) do
    local e = spec.encoding[ch]
    if e and e.field then lead[#lead + 1] = { key = ch, name = e.field } end
  end
  local columns, rows, total = nil, {}, 0
  for _, cell in ipairs(layout.cells) do
    if cell.layout then
      local t = summary.build(layout.module, cell.spec, cell.layout)
      if not columns then
        columns = {}
        for _, l in ipairs(lead) do columns[#columns + 1] = l.name end
        for _, c in ipairs(t.columns) do columns[#columns + 1] = c end
      end
      for _, r in ipairs(t.rows) do
        local row = {}
        for k, l in ipairs(lead) do row[k] = cell[l.key] end
        for k = 1, #t.columns do
          local v = r[k]
          if v == require("util.json").null then v = nil end
          row[#lead + k] = v
        end
        rows[#rows + 1] = row
      end
      total = total + (t.total_rows - #t.rows)
    end
  end
  return summary.table(columns or {}, rows, #rows + total)
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
