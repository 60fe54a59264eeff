-- The chrome of a chart: title and subtitle, legend, axes with ticks,
-- labels and titles, and the plot box left for the data. Every margin is
-- computed from measured text, so nothing overlaps or leaves the box.
-- `layout` is pure geometry (testable without drawing); `draw_background`
-- and `draw_axes` paint it before and after a chart draws its data.
local errors = require "util.errors"
local scale = require "layout.scale"
local ticks = require "layout.ticks"
local format = require "layout.format"
local text = require "layout.text"
local style = require "layout.style"
local color = require "layout.color"

local M = {}

M.TICK = 5            -- tick mark length
M.TICK_GAP = 3        -- tick mark to label
M.TITLE_GAP = 6       -- tick labels to axis title
M.BLOCK_GAP = 12      -- between header, legend and plot
M.X_SPACING = 80      -- about one tick per this many px on a horizontal axis
M.Y_SPACING = 50      -- and on a vertical one
M.LABEL_GAP = 6       -- least free space between neighbouring tick labels
M.MAX_ROTATED_SHARE = 0.35 -- rotated band labels may take this much of the plot height
M.MAX_LEFT_SHARE = 0.3     -- band labels on the left may take this much of the width
M.SWATCH = 10
M.SWATCH_GAP = 6      -- swatch to its label
M.ITEM_GAP = 16       -- between legend items in a row
M.ROW_GAP = 4         -- between legend rows
M.LEGEND_LABEL_MAX = 160
M.RIGHT_LEGEND_MAX_ITEMS = 12
M.MIN_PLOT_SHARE = 0.6 -- a right legend must leave the plot this share of the width
M.GRADIENT_WIDTH = 12
M.GRADIENT_HEIGHT = 160
M.MIN_PLOT = 10
M.MIN_FONT = 8        -- category labels shrink to this (or the sized theme's min_font) before any is left out
M.MIN_LABEL = "Mmmm" -- a category label is never cut shorter than about this
M.BAND_LINE_GAP = 0   -- extra space between stacked category labels on the left: none, pango's line
                      -- height already carries the font's leading (1.16 em for DejaVu Sans)
M.MAX_LEGEND_SHARE = 0.3 -- a legend may take this much of the height; the rest of its items are left out

local RAD45 = math.pi / 4

-- ---------------------------------------------------------------- geometry

-- Where a label drawn by canvas:text at (x, y) with align, valign ("top"|
-- "middle"|"bottom") and angle has its corner: the offset of its unrotated
-- top-left from (x, y), and the rotation's cos and sin.
local function placement(l)
  local w, h = l.width, l.height
  local dx = l.align == "center" and -w / 2 or l.align == "right" and -w or 0
  local dy = l.valign == "middle" and -h / 2 or l.valign == "bottom" and -h or 0
  return dx, dy, math.cos(l.angle or 0), math.sin(l.angle or 0)
end

local CORNERS = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } } -- in units of width and height

-- The four corners of a label, for overlap and bounds checks.
function M.label_corners(l)
  local dx, dy, c, s = placement(l)
  local out = {}
  for k, m in ipairs(CORNERS) do
    local px, py = dx + m[1] * l.width, dy + m[2] * l.height
    out[k] = { l.x + px * c - py * s, l.y + px * s + py * c }
  end
  return out
end

-- Axis-aligned bounds {x0, y0, x1, y1} of a label (the corners' extremes, found
-- without building them: layout asks this of every tick label in every round).
function M.label_bounds(l)
  local dx, dy, c, s = placement(l)
  local x0, y0, x1, y1 = math.huge, math.huge, -math.huge, -math.huge
  for _, m in ipairs(CORNERS) do
    local px, py = dx + m[1] * l.width, dy + m[2] * l.height
    local x, y = l.x + px * c - py * s, l.y + px * s + py * c
    if x < x0 then x0 = x end
    if x > x1 then x1 = x end
    if y < y0 then y0 = y end
    if y > y1 then y1 = y end
  end
  return { x0, y0, x1, y1 }
end

local function boxes_touch(a, b, gap)
  return a[1] < b[3] + gap and b[1] < a[3] + gap and a[2] < b[4] + gap and b[2] < a[4] + gap
end

-- Labels around a circle (spokes of a radar or rose), each {x, y, width, height, align,
-- valign}: sets `show` on every k-th, k the smallest that keeps shown neighbours (the last
-- and the first too) apart, and returns how many were left out.
function M.thin_around(labels, gap)
  gap = gap or 2
  local n = #labels
  local bounds = {}
  for i, l in ipairs(labels) do bounds[i] = M.label_bounds(l) end
  local k = 1
  while k < n do
    local ok, prev = true, nil
    for i = 1, n, k do
      if prev and boxes_touch(bounds[prev], bounds[i], gap) then ok = false; break end
      prev = i
    end
    if ok and prev and prev ~= 1 and boxes_touch(bounds[prev], bounds[1], gap) then ok = false end
    if ok then break end
    k = k + 1
  end
  local hidden = 0
  for i, l in ipairs(labels) do
    l.show = (i - 1) % k == 0
    if not l.show then hidden = hidden + 1 end
  end
  return hidden
end

-- Whether label a (as for thin_around) overlaps any shown label of the list.
function M.overlaps_any(a, labels, gap)
  local ba = M.label_bounds(a)
  for _, l in ipairs(labels) do
    if l.show ~= false and boxes_touch(ba, M.label_bounds(l), gap or 1) then return true end
  end
  return false
end

-- ------------------------------------------------------------------ header

local function text_block(str, font, x, y, width, fill)
  local lines = text.wrap(str, font, width)
  local lh = text.line_height(font)
  return { text = str, lines = lines, x = x, y = y, font = font, line_height = lh, height = #lines * lh,
    align = "left", color = fill }
end

-- Title and subtitle wrapped to the inner width; returns them and the y
-- below them.
local function header(spec, theme, inner)
  local y = inner.y
  local title, subtitle
  if spec.title and spec.title ~= "" then
    title = text_block(spec.title, text.font(theme, "title", "bold"), inner.x, y, inner.width, theme.foreground)
    y = y + title.height
  end
  if spec.subtitle and spec.subtitle ~= "" then
    if title then y = y + 2 end
    subtitle = text_block(spec.subtitle, text.font(theme, "subtitle"), inner.x, y, inner.width, theme.muted)
    y = y + subtitle.height
  end
  if title or subtitle then y = y + M.BLOCK_GAP end
  return title, subtitle, y
end

-- ------------------------------------------------------------------ legend

local function legend_items(lg, theme)
  local font = text.font(theme, "legend")
  local out = {}
  for i, it in ipairs(lg.items or {}) do
    -- shortened in the middle: series named alike differ at their end
    local label, cut = text.shorten(tostring(it.label), font, M.LEGEND_LABEL_MAX)
    local w = text.width(label, font)
    out[i] = { label = label, full_label = tostring(it.label), truncated = cut, color = it.color,
      shape = it.shape or "square", dash = it.dash, pattern = it.pattern, marker = it.marker,
      text_width = w, width = M.SWATCH + M.SWATCH_GAP + w, font = font }
  end
  return out, font
end

-- Places items at (x, y): one per row (right) or wrapped rows within width (top).
local function place_items(items, title, font, x, y, width, stacked)
  local lh = text.line_height(font)
  local row_h = math.max(lh, M.SWATCH)
  local cx, cy, rows, maxw = x, y, 1, 0
  local function put(it)
    it.x, it.y, it.row = cx, cy, rows
    it.swatch = { x = cx, y = cy + (row_h - M.SWATCH) / 2, width = M.SWATCH, height = M.SWATCH }
    it.text_x, it.text_y = cx + M.SWATCH + M.SWATCH_GAP, cy + row_h / 2
  end
  if title and stacked then cy = cy + row_h + M.ROW_GAP end
  if title and not stacked then cx = cx + title.width + M.ITEM_GAP end
  for i, it in ipairs(items) do
    if stacked then
      if i > 1 then cy, rows = cy + row_h + M.ROW_GAP, rows + 1 end
      cx = x
    elseif cx > x and cx + it.width > x + width then
      cx, cy, rows = x, cy + row_h + M.ROW_GAP, rows + 1
    end
    put(it)
    maxw = math.max(maxw, cx + it.width - x)
    if not stacked then cx = cx + it.width + M.ITEM_GAP end
  end
  if title then maxw = math.max(maxw, title.width) end
  local height = (cy - y) + row_h
  return maxw, height, rows, row_h
end

-- The formatter of a legend's value labels: the spec's format, else one for ticks of this step.
local function value_format(spec_format, step, lo, hi, num_opts)
  return type(spec_format) == "function" and spec_format
    or format.from_spec(spec_format, step, num_opts)
    or format.ticker(step, { number = num_opts.number, max = math.max(math.abs(lo), math.abs(hi)) })
end

local function gradient_legend(lg, theme, num_opts)
  local g = lg.gradient
  local font = text.font(theme, "legend")
  local lo, hi = g.min or 0, g.max or 1
  local tk = ticks.linear(math.min(lo, hi), math.max(lo, hi), 4)
  local fmt = value_format(g.format, tk.step, lo, hi, num_opts)
  local labels, lw = {}, 0
  if hi == lo then tk = { lo } end -- one value: one label, not a stack of them in one place
  for i, v in ipairs(tk) do
    labels[i] = { value = v, label = fmt(v) }
    lw = math.max(lw, text.width(labels[i].label, font))
  end
  return { kind = "gradient", stops = g.stops or theme.sequential, min = lo, max = hi, ticks = labels,
    font = font, label_width = lw, width = M.GRADIENT_WIDTH + M.SWATCH_GAP + lw }
end

-- Tick label positions along a gradient legend's bar.
local function place_gradient_ticks(lg)
  for _, t in ipairs(lg.ticks) do
    local f = lg.max ~= lg.min and (t.value - lg.min) / (lg.max - lg.min) or 0.5
    t.pos = lg.bar.y + lg.bar.height * (1 - f)
    t.x, t.y = lg.bar.x + M.GRADIENT_WIDTH + M.SWATCH_GAP, t.pos
  end
end

-- ---------------------------------------------------------------- size key

-- The values a size key shows: up to SIZE_KEY_MAX nice numbers inside [lo, hi] (the
-- extremes themselves when fewer fit), smallest first.
M.SIZE_KEY_MAX = 4
function M.size_key_values(lo, hi)
  if lo == hi then return { lo }, 1 end
  local tk = ticks.linear(lo, hi, M.SIZE_KEY_MAX + 2)
  local out = {}
  for _, v in ipairs(tk) do if v >= lo and v <= hi and (v ~= 0 or lo < 0) then out[#out + 1] = v end end
  while #out > M.SIZE_KEY_MAX do -- every other one, keeping the largest
    local kept = {}
    for i = #out, 1, -2 do table.insert(kept, 1, out[i]) end
    out = kept
  end
  if #out < 2 then return { lo, hi }, hi - lo end
  return out, tk.step
end

-- The compact size key: circles sharing their lowest point, each value beside its circle's
-- top (a leader line across the larger circles); a value whose label would touch the next
-- larger one's is left out, the largest kept.
local function nest(out, lh, th)
  local kept, last = {}, nil
  for i = #out.entries, 1, -1 do
    local e = out.entries[i]
    local top = 2 * (out.rmax - e.r) -- its label's centre below the largest circle's top
    if not last or top - last >= lh then table.insert(kept, 1, e); last = top end
  end
  local bottom, lw = th + lh / 2 + 2 * out.rmax, 0
  for _, e in ipairs(kept) do
    e.dx, e.dy = out.rmax, bottom - e.r
    e.label_dx, e.label_dy = 2 * out.rmax + M.SWATCH_GAP, bottom - 2 * e.r
    lw = math.max(lw, e.label_width)
  end
  out.entries, out.nested = kept, true
  out.width = math.max(2 * out.rmax + M.SWATCH_GAP + lw, out.title and out.title.width or 0)
  out.height = math.max(bottom, bottom - 2 * kept[1].r + lh / 2)
  return out
end

-- Lays out a size key ({ title, min, max, radius = function(v), format, color }): a circle
-- of each size the marks are drawn at, with the value it stands for. shape: "column" (one
-- entry a row, the title above), "row" (the entries in one row, the title above), "inline"
-- (the title leading the row) or "nested" (see nest); ends = true keeps the smallest and
-- largest only.
local function size_key(sz, theme, shape, ends)
  local font = text.font(theme, "legend")
  local lh = text.line_height(font)
  local values, step = M.size_key_values(sz.min, sz.max)
  if ends and #values > 2 then values = { values[1], values[#values] } end
  local fmt = value_format(sz.format, step, sz.min, sz.max, { number = theme.number })
  local stacked = shape == "column"
  local out = { kind = "sizes", font = font, entries = {}, color = sz.color, stacked = stacked }
  local rmax = 0
  for i, v in ipairs(values) do
    local r = sz.radius(v)
    local label = fmt(v)
    out.entries[i] = { value = v, r = r, label = label, label_width = text.width(label, font) }
    rmax = math.max(rmax, r)
  end
  out.rmax = rmax
  local title
  if sz.title and sz.title ~= "" then
    local tfont = text.font(theme, "legend", "bold")
    local t = text.truncate(tostring(sz.title), tfont, M.LEGEND_LABEL_MAX)
    title = { text = t, font = tfont, width = text.width(t, tfont), height = text.line_height(tfont), dx = 0, dy = 0 }
  end
  out.title = title
  local row_h = math.max(2 * rmax, lh)
  local th = (title and shape ~= "inline") and title.height + M.ROW_GAP or 0
  local w, h = 0, 0
  if title and shape == "inline" then
    w, title.dy = title.width + M.ITEM_GAP, (row_h - title.height) / 2
    row_h = math.max(row_h, title.height)
  end
  for _, e in ipairs(out.entries) do
    if stacked then
      e.dx, e.dy = rmax, th + h + math.max(2 * e.r, lh) / 2
      h = h + math.max(2 * e.r, lh) + M.ROW_GAP
      w = math.max(w, 2 * rmax + M.SWATCH_GAP + e.label_width)
    else
      e.dx, e.dy = w + e.r, th + row_h / 2
      w = w + 2 * e.r + M.SWATCH_GAP + e.label_width + M.ITEM_GAP
    end
  end
  if shape == "nested" then return nest(out, lh, th) end
  if stacked then h = h - M.ROW_GAP else w, h = w - M.ITEM_GAP, row_h end
  out.width, out.height = math.max(w, title and title.width or 0), th + h
  return out
end

-- Puts a laid-out size key's top-left at (x, y).
local function put_size_key(out, x, y)
  out.x, out.y = x, y
  if out.title then out.title.x, out.title.y = x + out.title.dx, y + out.title.dy end
  for _, e in ipairs(out.entries) do
    e.cx, e.cy = x + e.dx, y + e.dy
    e.text_x, e.text_y = e.cx + (out.stacked and out.rmax or e.r) + M.SWATCH_GAP, e.cy
    if out.nested then e.text_x, e.text_y = x + e.label_dx, y + e.label_dy end
  end
end

-- Moves a laid-out legend dx to the left (to make room beside it).
local function shift_left(lg, dx)
  lg.x = lg.x - dx
  if lg.title then lg.title.x = lg.title.x - dx end
  if lg.bar then lg.bar.x = lg.bar.x - dx end
  for _, t in ipairs(lg.ticks or {}) do t.x = t.x - dx end
  for _, it in ipairs(lg.items or {}) do
    it.x, it.text_x, it.swatch.x = it.x - dx, it.text_x - dx, it.swatch.x - dx
  end
end

-- Lays out the size key in what the colour legend (lg, maybe nil) left of the region
-- (`before`: the region before it took its part, `region`: after): under a right-hand
-- colour legend when the column has room, else a right column of its own when the plot
-- keeps MIN_PLOT_SHARE of the width — each as a column of circles, else nested (compact:
-- a small chart's keys must not crowd its plot) — else a row at the top (or bottom).
-- Returns the key and the region left.
local function size_key_layout(sz, theme, before, lg, region)
  local orient = theme.legend_orient
  if not sz or orient == "none" then return nil, region end
  local shapes = { size_key(sz, theme, "column"), size_key(sz, theme, "nested") }
  if lg and lg.position == "right" then
    for _, col in ipairs(shapes) do
      local w = math.max(lg.width, col.width)
      local y = lg.y + lg.height + M.BLOCK_GAP
      if y + col.height <= before.y + before.height
          and before.width - w - M.BLOCK_GAP >= M.MIN_PLOT_SHARE * before.width then
        local grow = w - lg.width
        if grow > 0 then shift_left(lg, grow) end
        put_size_key(col, lg.x, y)
        col.position = "right"
        return col, { x = region.x, y = region.y, width = region.width - math.max(0, grow), height = region.height }
      end
    end
  end
  for _, col in ipairs(shapes) do
    if orient ~= "top" and orient ~= "bottom" and col.height <= region.height
        and region.width - col.width - M.BLOCK_GAP >= M.MIN_PLOT_SHARE * region.width then
      put_size_key(col, region.x + region.width - col.width, region.y)
      col.position = "right"
      return col, { x = region.x, y = region.y, width = region.width - col.width - M.BLOCK_GAP,
        height = region.height }
    end
  end
  -- A row: the title leading it, else above it, else the extremes only; the lowest that fits.
  local row
  for _, try in ipairs({ { "inline" }, { "row" }, { "inline", true }, { "row", true } }) do
    row = size_key(sz, theme, try[1], try[2])
    if row.width <= region.width then break end
  end
  -- Past MAX_LEGEND_SHARE of the height the plot would be crushed: the key is left out
  -- (counted as thinned in the scene; the alt text still names the sizes' extremes).
  if row.height > M.MAX_LEGEND_SHARE * region.height then
    return { kind = "sizes", dropped = #row.entries }, region
  end
  if orient == "bottom" then
    put_size_key(row, region.x, region.y + region.height - row.height)
    row.position = "bottom"
    return row, { x = region.x, y = region.y, width = region.width, height = region.height - row.height - M.BLOCK_GAP }
  end
  put_size_key(row, region.x, region.y)
  row.position = "top"
  return row, { x = region.x, y = region.y + row.height + M.BLOCK_GAP, width = region.width,
    height = region.height - row.height - M.BLOCK_GAP }
end

-- Lays out the legend inside `region` (the area below the header) and
-- returns it with the region left for the plot.
local function legend_layout(lg, theme, region, max_rows)
  if not lg or (not lg.gradient and #(lg.items or {}) == 0) then return nil, region end
  -- theme.legend_orient (a spec's config.legend.orient): "none" hides it; "top", "bottom" and
  -- "right" place it there; unset, it goes right when it fits and on top otherwise
  local orient = theme.legend_orient
  if orient == "none" then return nil, region end
  local tfont = text.font(theme, "legend", "bold")
  local title
  if lg.title and lg.title ~= "" then
    local t = text.truncate(tostring(lg.title), tfont, M.LEGEND_LABEL_MAX)
    title = { text = t, font = tfont, width = text.width(t, tfont), height = text.line_height(tfont) }
  end
  local num_opts = { number = theme.number }
  if lg.gradient then
    local out = gradient_legend(lg, theme, num_opts)
    local th = title and title.height + M.ROW_GAP or 0
    out.width = math.max(out.width, title and title.width or 0)
    local bar_h = math.max(20, math.min(M.GRADIENT_HEIGHT, region.height - th))
    out.height = th + bar_h
    out.x, out.y, out.position = region.x + region.width - out.width, region.y, "right"
    out.bar = { x = out.x, y = out.y + th, width = M.GRADIENT_WIDTH, height = bar_h }
    place_gradient_ticks(out)
    -- A label at the bar's top end rises half a line above it: the bar starts lower then,
    -- clear of the title.
    local rise = 0
    for _, t in ipairs(out.ticks) do
      rise = math.max(rise, out.bar.y - (t.pos - text.line_height(out.font) / 2) - (th > 0 and M.ROW_GAP or 0))
    end
    if rise > 0 and bar_h - rise >= 20 then
      out.bar.y, out.bar.height = out.bar.y + rise, bar_h - rise
      place_gradient_ticks(out)
    end
    if title then title.x, title.y = out.x, out.y end
    out.title = title
    return out, { x = region.x, y = region.y, width = region.width - out.width - M.BLOCK_GAP,
      height = region.height }
  end
  local items, font = legend_items(lg, theme)
  local out = { kind = "items", items = items, title = title, font = font, dropped = 0 }
  -- Items past what fits in `rows` rows are left out (counted as thinned in the scene):
  -- a legend of a hundred series would otherwise push the plot off the canvas.
  local function keep_rows(rows)
    local kept = {}
    for _, it in ipairs(items) do if it.row <= rows then kept[#kept + 1] = it end end
    out.dropped = out.dropped + #items - #kept
    items = kept
    out.items = kept
  end
  local row_h = math.max(text.line_height(font), M.SWATCH)
  local function rows_in(h) return math.max(1, math.floor((h + M.ROW_GAP) / (row_h + M.ROW_GAP))) end
  -- Right: one column, when it is short and leaves the plot most of the width.
  local colw = title and title.width or 0
  for _, it in ipairs(items) do colw = math.max(colw, it.width) end
  if orient == "right" or orient ~= "top" and orient ~= "bottom" and #items <= M.RIGHT_LEGEND_MAX_ITEMS
      and region.width - colw - M.BLOCK_GAP >= M.MIN_PLOT_SHARE * region.width then
    local x = region.x + region.width - colw
    place_items(items, title, font, x, region.y, colw, true)
    local room = rows_in(region.height) - (title and 1 or 0)
    if #items > room then keep_rows(room) end
    local w, h, rows = place_items(items, title, font, x, region.y, colw, true)
    out.position, out.x, out.y, out.width, out.height, out.rows = "right", x, region.y, w, h, rows
    if title then title.x, title.y = x, region.y end
    return out, { x = region.x, y = region.y, width = region.width - colw - M.BLOCK_GAP, height = region.height }
  end
  if orient == "bottom" then
    -- rows wrapped to the width at the bottom of the region, under the x axis
    local _, h0 = place_items(items, title, font, region.x, region.y, region.width, false)
    local by = region.y + region.height - h0
    local w, h, rows, row_h = place_items(items, title, font, region.x, by, region.width, false)
    out.position, out.x, out.y, out.width, out.height, out.rows = "bottom", region.x, by, w, h, rows
    if title then title.x, title.y = region.x, by + (row_h - title.height) / 2 end
    return out, { x = region.x, y = region.y, width = region.width, height = region.height - h - M.BLOCK_GAP }
  end
  -- Top: rows wrapped to the width, the title leading the first row.
  local _, h0, rows0 = place_items(items, title, font, region.x, region.y, region.width, false)
  local cap = math.min(rows_in(M.MAX_LEGEND_SHARE * region.height), max_rows or math.huge)
  if rows0 > cap and h0 > 0 then keep_rows(cap) end
  local w, h, rows = place_items(items, title, font, region.x, region.y, region.width, false)
  out.position, out.x, out.y, out.width, out.height, out.rows = "top", region.x, region.y, w, h, rows
  if title then title.x, title.y = region.x, region.y + (row_h - title.height) / 2 end
  return out, { x = region.x, y = region.y + h + M.BLOCK_GAP, width = region.width,
    height = region.height - h - M.BLOCK_GAP }
end

-- -------------------------------------------------------------------- axes

local function numeric_format(o, kind, tk, theme)
  if type(o.format) == "function" then return o.format end
  if kind == "band" then return tostring end
  if kind == "time" then
    if type(o.format) == "string" and o.format:find("%%") then
      return function(t) return format.strftime(t, o.format) end
    end
    return format.date_ticker(tk.unit)
  end
  local maxabs = 0
  for _, v in ipairs(tk) do maxabs = math.max(maxabs, math.abs(v)) end
  local opts = { number = theme.number, max = maxabs }
  if kind == "log" then
    return format.from_spec(o.format, nil, opts) or function(v)
      if v >= format.SI_FROM then return format.si(v, opts) end
      return format.number(v, { number = theme.number })
    end
  end
  local fmt = format.from_spec(o.format, tk.step, opts) or format.ticker(tk.step, opts)
  -- o.magnitude: distances from the middle, not positions (a streamgraph's centred stack).
  if o.magnitude then return function(v, p) return fmt(math.abs(v), p) end end
  return fmt
end

-- Scale and tick values for axis options o along [r0, r1] with about
-- `count` ticks.
local function build_scale(o, kind, r0, r1, count)
  if kind == "band" then
    local s = scale.band { domain = o.domain or {}, range = { r0, r1 }, padding = o.padding,
      padding_inner = o.padding_inner, padding_outer = o.padding_outer }
    local tk = {}
    for i, c in ipairs(s.domain) do tk[i] = c end
    return s, tk
  end
  local d = o.domain or { 0, 1 }
  if kind == "log" then
    -- Data at or below zero has no place on a log axis: the data's problem, named for the user.
    local low = math.min(d[1], d[2])
    if low ~= low or low <= 0 then
      error(errors.new("invalid_data", nil, ('a log scale needs values above 0; "%s" reaches %s')
        :format(tostring(o.title or "the axis"), format.number(low, {}))))
    end
    local s = scale.log { domain = d, range = { r0, r1 }, nice = o.nice ~= false, clamp = o.clamp }
    return s, o.ticks or s:ticks()
  end
  if kind == "time" then
    local s = scale.time { domain = d, range = { r0, r1 }, nice = o.nice == true, count = count,
      min_unit = o.grain, clamp = o.clamp }
    return s, s:ticks(count)
  end
  local lo, hi = math.min(d[1], d[2]), math.max(d[1], d[2])
  if o.zero then lo, hi = math.min(lo, 0), math.max(hi, 0) end
  lo, hi = ticks.expand(lo, hi)
  local tk
  if o.ticks then
    tk = { step = #o.ticks > 1 and math.abs(o.ticks[2] - o.ticks[1]) or 1 }
    for i, v in ipairs(o.ticks) do tk[i] = v end
  elseif o.nice ~= false then
    tk = o.integer and ticks.integer(lo, hi, count) or ticks.nice(lo, hi, count)
    lo, hi = tk.min, tk.max
  else
    tk = ticks.linear(lo, hi, count)
  end
  local s = scale.linear { domain = { lo, hi }, range = { r0, r1 }, clamp = o.clamp }
  return s, tk
end

-- Every tick's value, position and label text.
local function tick_list(o, kind, s, tk, theme)
  local fmt = numeric_format(o, kind, tk, theme)
  local out, prev = {}, nil
  for _, v in ipairs(tk) do
    local pos = kind == "band" and s:center(v) or s:map(v)
    if pos then
      out[#out + 1] = { value = v, pos = pos, label = fmt(v, prev) }
      prev = v
    end
  end
  return out
end

-- The smallest k such that showing every k-th label keeps neighbours apart
-- (distance along the axis ≥ their half sizes + LABEL_GAP).
local function thin_factor(tl, sizes, gap)
  gap = gap or M.LABEL_GAP
  for k = 1, math.max(1, #tl) do
    local ok = true
    for i = 1 + k, #tl, k do
      local a, b = tl[i - k], tl[i]
      if math.abs(b.pos - a.pos) < (sizes[i - k] + sizes[i]) / 2 + gap then ok = false; break end
    end
    if ok then return k end
  end
  return math.max(1, #tl)
end

-- A horizontal (bottom) axis along [x0, x0 + len] at baseline y0, with at
-- most max_ext px of label height. Returns the axis and its height below y0.
local function bottom_axis(o, kind, theme, x0, len, y0, max_ext)
  local font = text.font(theme, "tick")
  local lh = text.line_height(font)
  local s, tl, tk
  local angle, k, truncated = 0, 1, false
  local widths = {}
  if kind == "band" then
    s, tk = build_scale(o, kind, x0, x0 + len, 0)
    tl = tick_list(o, kind, s, tk, theme)
    local maxw = 0
    for i, t in ipairs(tl) do widths[i] = text.width(t.label, font); maxw = math.max(maxw, widths[i]) end
    local step = s.step
    if theme.label_angle then
      -- asked for (a spec's config.axis.labelAngle, degrees, positive = clockwise)
      angle = math.rad(theme.label_angle)
    elseif #tl > 0 and maxw + M.LABEL_GAP > step then
      -- Parallel rotated labels clear each other when the step across
      -- them (step × sin angle) exceeds the line height.
      if step * math.sin(RAD45) >= lh + 1 then angle = -RAD45 else angle = -math.pi / 2 end
      if angle == -math.pi / 2 and step < lh + 1 then k = math.ceil((lh + 1) / step) end
      local ext = angle == -RAD45 and (maxw + lh) * math.sin(RAD45) or maxw
      local mw = angle == -RAD45 and max_ext / math.sin(RAD45) - lh or max_ext
      if ext > max_ext and mw < text.width(M.MIN_LABEL, font) then
        -- Rotated labels would be cut to a letter or two: show every k-th label
        -- level instead, each as much as the room of k bands allows.
        angle = 0
        k = math.max(1, math.ceil((math.min(maxw, text.width(M.MIN_LABEL, font) * 2) + M.LABEL_GAP) / step))
        mw = step * k - M.LABEL_GAP
        ext = 0
      end
      if ext > max_ext or (angle == 0 and maxw > mw) then
        mw = math.max(mw, lh)
        for i, t in ipairs(tl) do
          local cut
          t.label, cut = text.shorten(t.label, font, mw)
          truncated = truncated or cut
          widths[i] = text.width(t.label, font)
        end
      end
    end
  else
    local count = math.max(2, math.floor(len / M.X_SPACING))
    while true do
      s, tk = build_scale(o, kind, x0, x0 + len, count)
      tl = tick_list(o, kind, s, tk, theme)
      for i, t in ipairs(tl) do widths[i] = text.width(t.label, font) end
      for i = #tl + 1, #widths do widths[i] = nil end
      k = thin_factor(tl, widths)
      if k == 1 or count <= 2 or o.ticks then break end
      count = count - 1
    end
  end
  local ly = y0 + M.TICK + M.TICK_GAP
  local labels, ext = {}, 0
  for i, t in ipairs(tl) do
    t.show = (i - 1) % k == 0
    if t.show then
      local l = { text = t.label, value = t.value, width = widths[i], height = lh, font = font }
      if angle == 0 then
        l.x, l.y, l.align, l.valign, l.angle = t.pos, ly, "center", "top", 0
      elseif angle > 0 then
        l.x, l.y, l.align, l.valign, l.angle = t.pos, ly, "left", "middle", angle
      else
        l.x, l.y, l.align, l.valign, l.angle = t.pos, ly, "right", "middle", angle
        if angle == -RAD45 then l.x = t.pos + lh * 0.35 end
      end
      local b = M.label_bounds(l)
      ext = math.max(ext, b[4] - y0)
      labels[#labels + 1] = l
    end
  end
  if #labels == 0 then ext = M.TICK end
  local axis = { kind = kind, orient = "bottom", scale = s, ticks = tl, labels = labels,
    label_angle = math.floor(math.deg(angle) + 0.5), label_truncated = truncated, thin = k, font = font,
    unit = tk.unit }
  return axis, ext
end

-- A vertical (left) axis along [y0, y0 + len] whose labels end at x_right.
-- Returns the axis and the width of its tick labels.
local function left_axis(o, kind, theme, y0, len, x_right, max_w)
  local font = text.font(theme, "tick")
  local lh = text.line_height(font)
  local s, tl, k, truncated
  truncated = false
  local widths, heights = {}, {}
  if kind == "band" then
    -- Categories read top-down in their order.
    local tk
    s, tk = build_scale(o, kind, y0, y0 + len, 0)
    tl = tick_list(o, kind, s, tk, theme)
    -- Every bar keeps its name: smaller type first (down to MIN_FONT), then two lines
    -- where a band has room for them, then the name shortened in the middle (names that
    -- share a beginning differ at their end); only below that are labels left out.
    local step = #tl > 1 and math.abs(tl[2].pos - tl[1].pos) or len
    local min_font = theme.min_font or M.MIN_FONT
    if step < lh + M.BAND_LINE_GAP and font.size > min_font then
      local size = math.max(min_font, math.floor(font.size * (step - M.BAND_LINE_GAP) / lh * 2) / 2)
      font = { family = font.family, size = size, weight = font.weight }
      lh = text.line_height(font)
    end
    local two = step >= 2 * lh + M.BAND_LINE_GAP
    for i, t in ipairs(tl) do
      local cut, h = false, lh
      if text.width(t.label, font) > max_w then
        local lines = two and text.wrap(t.label, font, max_w) or {}
        if #lines >= 2 then
          local rest = table.concat(lines, " ", 2)
          local second
          second, cut = text.shorten(rest, font, max_w)
          t.label, h = lines[1] .. "\n" .. second, 2 * lh
        else
          t.label, cut = text.shorten(t.label, font, max_w)
        end
      end
      truncated = truncated or cut
      -- Measured, not assumed: a CJK name is taller than a line of Latin text.
      local w, mh = text.measure(t.label, font)
      widths[i], heights[i] = w, math.max(h, mh)
    end
    k = thin_factor(tl, heights, M.BAND_LINE_GAP)
  else
    local count = math.max(2, math.floor(len / M.Y_SPACING))
    while true do
      local tk
      s, tk = build_scale(o, kind, y0 + len, y0, count)
      tl = tick_list(o, kind, s, tk, theme)
      for i, t in ipairs(tl) do widths[i], heights[i] = text.width(t.label, font), lh end
      for i = #tl + 1, #heights do widths[i], heights[i] = nil, nil end
      k = thin_factor(tl, heights)
      if k == 1 or count <= 2 or o.ticks then break end
      count = count - 1
    end
  end
  local labels, maxw = {}, 0
  local lx = x_right
  for i, t in ipairs(tl) do
    t.show = (i - 1) % k == 0
    if t.show then
      labels[#labels + 1] = { text = t.label, value = t.value, x = lx, y = t.pos, align = "right", valign = "middle",
        angle = 0, width = widths[i], height = heights[i], font = font }
      maxw = math.max(maxw, widths[i])
    end
  end
  local axis = { kind = kind, orient = "left", scale = s, ticks = tl, labels = labels, label_angle = 0,
    label_truncated = truncated, thin = k, font = font }
  return axis, maxw, lh
end

local function axis_title(o, theme)
  if not o or not o.title or o.title == "" then return nil end
  local font = text.font(theme, "axis_title")
  return { text = tostring(o.title), font = font, height = text.line_height(font) }
end

local function finish_axis(a, o, kind)
  if kind == "band" then
    a.categories = a.scale.domain
  else
    a.domain = { a.scale.domain[1], a.scale.domain[2] }
    if a.domain[1] > a.domain[2] then a.domain[1], a.domain[2] = a.domain[2], a.domain[1] end
  end
  a.step = (kind == "linear" and a.ticks[2] and math.abs(a.ticks[2].value - a.ticks[1].value)) or nil
  a.options = o
  return a
end

-- -------------------------------------------------------------- layouts

local function inner_box(box, theme)
  local pad = theme.padding or 16
  return { x = box.x + pad, y = box.y + pad, width = math.max(0, box.width - 2 * pad),
    height = math.max(0, box.height - 2 * pad) }
end

-- Title, subtitle and legend only; the rest of the box is the plot (pie,
-- donut). legend as in M.layout's opts.legend.
-- M.relabel_gradient(f, theme, min, max) → true | false: gives a laid-out frame's gradient
-- legend a new value range in the same place, when its labels fit the room the legend
-- took (false: lay the frame out again). Charts whose range comes out of the layout
-- (hexbin's densest cell) reserve room for an upper bound, then relabel.
function M.relabel_gradient(f, theme, min, max)
  local lg = f.legend
  if not lg or lg.kind ~= "gradient" then return false end
  local gradient = { stops = lg.stops, min = min, max = max }
  local out = gradient_legend({ gradient = gradient }, theme, { number = theme.number })
  if out.label_width > lg.label_width then return false end
  lg.min, lg.max, lg.ticks = out.min, out.max, out.ticks
  place_gradient_ticks(lg)
  return true
end

-- The keys (colour legend, size key) in `region`, and the region left for the plot. Keys
-- must not crowd the plot (cover more than MAX_KEY_SHARE of its area: a small chart with a
-- colour legend and a size key); each step past 0 gives them less: 1 moves a colour legend
-- placed by default to the top, 2 keeps two rows of it, 3 one, 4 leaves the size key out
-- (the entries left out are counted as thinned in the scene).
M.MAX_KEY_SHARE = 1
M.KEY_STEPS = 4
local function keys_layout(legend, size_legend, theme, region, step)
  local lt = theme
  if step >= 1 and not theme.legend_orient then
    lt = {}
    for k, v in pairs(theme) do lt[k] = v end
    lt.legend_orient = "top"
  end
  local lg, left = legend_layout(legend, lt, region, step >= 2 and math.max(1, 4 - step) or nil)
  if step >= 4 and size_legend then
    local dropped = #M.size_key_values(size_legend.min, size_legend.max)
    return lg, { kind = "sizes", dropped = dropped }, left
  end
  local sizes
  sizes, left = size_key_layout(size_legend, theme, region, lg, left)
  return lg, sizes, left
end

-- Whether a laid-out frame's keys crowd its plot (keys_layout).
local function crowded(f)
  local area = 0
  for _, k in ipairs({ f.legend or false, f.size_legend or false }) do
    if k and k.x then area = area + k.width * k.height end -- placed (a left-out key has no place)
  end
  return area > M.MAX_KEY_SHARE * f.plot.width * f.plot.height
end

-- A frame laid out with keys_layout's steps until its keys leave the plot room.
local function with_room(lay_out)
  local f
  for step = 0, M.KEY_STEPS do
    f = lay_out(step)
    if not crowded(f) then return f end
  end
  return f
end

function M.layout_simple(spec, theme, box, legend, size_legend)
  spec = spec or {}
  local inner = inner_box(box, theme)
  local title, subtitle, y = header(spec, theme, inner)
  local region0 = { x = inner.x, y = y, width = inner.width, height = inner.y + inner.height - y }
  return with_room(function(step)
    local lg, sizes, region = keys_layout(legend, size_legend, theme, region0, step)
    region.width, region.height = math.max(M.MIN_PLOT, region.width), math.max(M.MIN_PLOT, region.height)
    return { box = box, inner = inner, title = title, subtitle = subtitle, legend = lg, size_legend = sizes,
      plot = region, grid = false }
  end)
end

-- Which option table is drawn at the bottom: with horizontal = true the
-- category (band) axis goes to the left. Callers may pass x/y as data
-- channels (x = categories) or as drawn (y = categories); both work.
local function orientation(opts)
  local xo, yo = opts.x or {}, opts.y or {}
  local swap = false
  if xo.orient == "left" or yo.orient == "bottom" then swap = true
  elseif xo.orient == "bottom" or yo.orient == "left" then swap = false
  elseif opts.horizontal then swap = not (yo.scale_kind == "band" and xo.scale_kind ~= "band") end
  return swap
end

-- An explicit encoding.<x|y>.scale.domain of two numbers (Vega-Lite) replaces
-- the data's extent on a linear or time axis; small multiples share scales this way.
local function fixed_domain(o, enc)
  local d = enc and enc.scale and enc.scale.domain
  local kind = o.scale_kind or "linear"
  if enc and enc.scale and enc.scale.zero == true and kind == "linear" and not o.zero then
    local copy = {}
    for k, v in pairs(o) do copy[k] = v end
    copy.zero = true -- encoding.<x|y>.scale.zero: the axis reaches 0
    o = copy
  end
  if type(d) ~= "table" or type(d[1]) ~= "number" or type(d[2]) ~= "number"
    or (kind ~= "linear" and kind ~= "time") then
    return o
  end
  local copy = {}
  for k, v in pairs(o) do copy[k] = v end
  copy.domain = { d[1], d[2] }
  return copy
end

local layout_once

-- The chrome of a cartesian chart inside box. See ARCHITECTURE.md and the
-- module's spec for opts and the returned shape.
function M.layout(spec, theme, box, opts)
  spec, opts = spec or {}, opts or {}
  return with_room(function(step) return layout_once(spec, theme, box, opts, step) end)
end

function layout_once(spec, theme, box, opts, step)
  local inner = inner_box(box, theme)
  local title, subtitle, y = header(spec, theme, inner)
  local region = { x = inner.x, y = y, width = inner.width, height = inner.y + inner.height - y }
  -- opts.size_legend: a size key for a size encoding (its own legend box in the scene)
  local lg, sizes
  lg, sizes, region = keys_layout(opts.legend, opts.size_legend, theme, region, step)

  local swap = orientation(opts)
  -- theme.tick_labels = { bottom = …, left = … } (small multiples sharing an axis): "outside"
  -- draws that side's labels beyond the box, taking no margin; "hidden" leaves them out.
  local placed = theme.tick_labels or {}
  local enc = spec.encoding or {}
  local xo, yo = fixed_domain(opts.x or {}, enc.x), fixed_domain(opts.y or {}, enc.y)
  local bo, lo = swap and yo or xo, swap and xo or yo
  local bkind, lkind = bo.scale_kind or "linear", lo.scale_kind or "linear"
  local btitle, ltitle = axis_title(bo, theme), axis_title(lo, theme)
  -- theme.axis_titles = false (small multiples title their shared axes once): the titles'
  -- texts are kept on the axes (title_text) but take no room and are not drawn.
  local btext, ltext = btitle and btitle.text, ltitle and ltitle.text
  if theme.axis_titles == false then btitle, ltitle = nil, nil end
  local tick_font = text.font(theme, "tick")
  local lh = text.line_height(tick_font)

  -- Margins depend on the tick labels, which depend on the plot size:
  -- iterate until they settle (two or three rounds in practice).
  local left, bottom, right, top = 40, 30, 0, lh / 2
  local plot
  -- Margins only grow after the first rounds, so labels that flip between rotated and
  -- thinned (a plot height at the threshold) still settle with room for the larger.
  for round = 1, 6 do
    plot = { x = region.x + left, y = region.y + top }
    plot.width = math.max(M.MIN_PLOT, region.width - left - right)
    plot.height = math.max(M.MIN_PLOT, region.height - top - bottom)
    local ba, bext = bottom_axis(bo, bkind, theme, plot.x, plot.width, plot.y + plot.height,
      M.MAX_ROTATED_SHARE * plot.height)
    local _, lw = left_axis(lo, lkind, theme, plot.y, plot.height, plot.x - M.TICK_GAP - (lkind == "band" and
      M.TICK or 0), M.MAX_LEFT_SHARE * inner.width)
    if placed.bottom then ba.labels, bext = {}, M.TICK end
    if placed.left then lw = 0 end
    local nb = bext + (btitle and M.TITLE_GAP + btitle.height or 0)
    local nl = lw + M.TICK_GAP + (lkind == "band" and M.TICK or 0) + (ltitle and ltitle.height + M.TITLE_GAP or 0)
    -- Centred bottom labels may overhang the plot's ends by half their width.
    local nr, first_half = 0, 0
    for _, l in ipairs(ba.labels) do
      local b = M.label_bounds(l)
      nr = math.max(nr, b[3] - (plot.x + plot.width))
      first_half = math.max(first_half, plot.x - b[1])
    end
    nl = math.max(nl, first_half)
    local nt = lkind == "band" and 0 or lh / 2
    if round > 2 then nb, nl, nr = math.max(nb, bottom), math.max(nl, left), math.max(nr, right) end
    if math.abs(nb - bottom) < 0.5 and math.abs(nl - left) < 0.5 and math.abs(nr - right) < 0.5 and nt == top then
      break
    end
    bottom, left, right, top = nb, nl, nr, nt
  end
  -- Final pass with the settled margins so geometry and scales agree.
  plot = { x = region.x + left, y = region.y + top,
    width = math.max(M.MIN_PLOT, region.width - left - right),
    height = math.max(M.MIN_PLOT, region.height - top - bottom) }
  local bottom_axis_t = bottom_axis(bo, bkind, theme, plot.x, plot.width, plot.y + plot.height,
    M.MAX_ROTATED_SHARE * plot.height)
  local left_axis_t = left_axis(lo, lkind, theme, plot.y, plot.height, plot.x - M.TICK_GAP - (lkind == "band" and
    M.TICK or 0), M.MAX_LEFT_SHARE * inner.width)
  -- A box too small for a plot and its bottom labels (small multiples' cells on a small
  -- canvas): the labels are left out (counted as thinned) rather than drawn over what
  -- lies below the box.
  if region.height - top - bottom < M.MIN_PLOT and #bottom_axis_t.labels > 0 and not placed.bottom then
    local t, tl = {}, { bottom = "hidden", left = placed.left }
    for k, v in pairs(theme) do t[k] = v end
    t.tick_labels = tl
    local out = layout_once(spec, t, box, opts, step)
    out.bottom.dropped = #bottom_axis_t.labels
    return out
  end
  finish_axis(bottom_axis_t, bo, bkind)
  finish_axis(left_axis_t, lo, lkind)
  bottom_axis_t.title_text, left_axis_t.title_text = btext, ltext
  if placed.bottom == "hidden" then bottom_axis_t.labels, bottom_axis_t.labels_hidden = {}, true end
  if placed.left == "hidden" then left_axis_t.labels, left_axis_t.labels_hidden = {}, true end
  -- Axis titles fit their axis: shortened in the middle, never running into the header.
  -- An axis too short for a few letters of it goes without (small multiples' cells).
  local function fit_title(t, len)
    if not t then return nil end
    if text.width(t.text, t.font) > len and text.width(M.MIN_LABEL, t.font) > len then return nil end
    t.text = text.shorten(t.text, t.font, len)
    return t
  end
  btitle, ltitle = fit_title(btitle, plot.width), fit_title(ltitle, plot.height)
  if btitle then
    btitle.x, btitle.y = plot.x + plot.width / 2, region.y + region.height - btitle.height
    btitle.align, btitle.valign, btitle.angle = "center", "top", 0
    bottom_axis_t.title = btitle
  end
  if ltitle then
    -- Rotated a quarter turn: the text's top faces the box edge.
    ltitle.x, ltitle.y = region.x, plot.y + plot.height / 2
    ltitle.align, ltitle.valign, ltitle.angle = "center", "top", -math.pi / 2
    left_axis_t.title = ltitle
  end
  local xa, ya = swap and left_axis_t or bottom_axis_t, swap and bottom_axis_t or left_axis_t
  return {
    box = box, inner = inner, title = title, subtitle = subtitle, legend = lg, size_legend = sizes, plot = plot,
    x = xa, y = ya, bottom = bottom_axis_t, left = left_axis_t, horizontal = swap,
    grid = opts.grid ~= false,
  }
end

-- ----------------------------------------------------------------- drawing

local function snap(v) return math.floor(v) + 0.5 end

-- Background and grid lines (behind the data).
local function draw_background(c, f, theme)
  local b = f.box
  c:new_path()
  c:rect(b.x, b.y, b.width, b.height)
  c:set_color(theme.background)
  c:fill()
  if f.plot then c:record_plot(f.plot.x, f.plot.y, f.plot.width, f.plot.height) end
  -- A theme may turn grid lines off (show_grid = false) or dash them (grid_dash).
  if not f.grid or theme.show_grid == false then return end
  local p = f.plot
  c:set_line_width(1)
  c:set_color(theme.grid)
  if theme.grid_dash then c:set_dash(theme.grid_dash) end
  -- theme.grid_vertical / grid_horizontal = false (a spec's config.axisX/axisY.grid) turn one set off
  if f.bottom and f.bottom.kind ~= "band" and theme.grid_vertical ~= false then
    for _, t in ipairs(f.bottom.ticks) do
      c:move_to(snap(t.pos), p.y)
      c:line_to(snap(t.pos), p.y + p.height)
    end
  end
  if f.left and f.left.kind ~= "band" and theme.grid_horizontal ~= false then
    for _, t in ipairs(f.left.ticks) do
      c:move_to(p.x, snap(t.pos))
      c:line_to(p.x + p.width, snap(t.pos))
    end
  end
  c:stroke()
  c:set_dash({})
end

function M.draw_background(c, f, theme)
  draw_background(c, f, theme)
  c:auto_marks(true) -- what the chart paints from here to draw_axes are its marks (scene)
end

local function draw_block(c, blk, role)
  if not blk then return end
  for i, line in ipairs(blk.lines) do
    c:text(line, blk.x, blk.y + (i - 1) * blk.line_height, { font = blk.font, color = blk.color, valign = "top",
      role = role })
  end
end

-- Tick labels carry the number they stand for into the scene (dates and categories none).
local function draw_labels(c, a, fill)
  local numeric = a.kind == "linear" or a.kind == "log"
  for _, l in ipairs(a.labels) do
    c:text(l.text, l.x, l.y, { font = l.font, color = fill, align = l.align, valign = l.valign, angle = l.angle,
      role = "tick-label", value = numeric and type(l.value) == "number" and l.value or nil })
  end
  local t = a.title
  if t then
    c:text(t.text, t.x, t.y, { font = t.font, color = fill, align = t.align, valign = t.valign, angle = t.angle,
      role = "axis-title" })
  end
  if a.labels_hidden then -- another cell of small multiples shows them, or no room for any
    c:record_thinned(a.orient == "bottom" and "x" or "y", a.dropped or 0)
    return
  end
  local hidden = 0
  for _, tk in ipairs(a.ticks) do if tk.show == false then hidden = hidden + 1 end end
  c:record_thinned(a.orient == "bottom" and "x" or "y", hidden)
end

local function draw_legend(c, lg, theme)
  if not lg then return end
  c:begin_item("legend")
  local fg = theme.foreground
  if lg.title then
    c:text(lg.title.text, lg.title.x, lg.title.y, { font = lg.title.font, color = fg, valign = "top",
      role = "legend-title" })
  end
  if lg.kind == "gradient" then
    local bar, stops = lg.bar, {}
    local n = #lg.stops
    for i, s in ipairs(lg.stops) do stops[i] = { n > 1 and (i - 1) / (n - 1) or 0, s } end
    c:new_path()
    c:rect(bar.x, bar.y, bar.width, bar.height)
    c:linear_gradient(bar.x, bar.y + bar.height, bar.x, bar.y, stops)
    c:fill()
    for _, t in ipairs(lg.ticks) do
      c:text(t.label, t.x, t.y, { font = lg.font, color = theme.muted, valign = "middle", role = "legend-label",
        value = t.value })
    end
    c:end_item()
    return
  end
  for _, it in ipairs(lg.items) do
    local s = it.swatch
    c:new_path()
    c:set_color(it.color)
    -- Items may carry a dash, fill pattern or marker (layout.style) for themes
    -- that tell series apart without colour.
    if it.shape == "line" then
      c:set_line_width(theme.line_width or 2)
      style.set_dash(c, it.dash, theme.line_width or 2)
      c:move_to(s.x - 1, s.y + s.height / 2)
      c:line_to(s.x + s.width + 1, s.y + s.height / 2)
      c:stroke()
      c:set_dash({})
    elseif it.shape == "circle" then
      style.marker_path(c, it.marker or "circle", s.x + s.width / 2, s.y + s.height / 2, s.width / 2)
      c:fill()
    else
      c:rounded_rect(s.x, s.y, s.width, s.height, 2)
      c:fill_preserve()
      style.hatch(c, it.pattern, it.color, s.x, s.y, s.width, s.height)
    end
    c:text(it.label, it.text_x, it.text_y, { font = it.font, color = fg, valign = "middle", role = "legend-label" })
  end
  c:end_item()
  c:record_thinned("legend", lg.dropped or 0)
end

local function draw_size_key(c, sz, theme)
  if not sz then return end
  if sz.dropped then return c:record_thinned("legend", sz.dropped) end
  c:begin_item("legend")
  if sz.title then
    c:text(sz.title.text, sz.title.x, sz.title.y, { font = sz.title.font, color = theme.foreground, valign = "top",
      role = "legend-title" })
  end
  local fill = sz.color or theme.muted
  c:set_line_width(1)
  local n = #sz.entries
  for i = 1, n do -- nested: the largest first, under the others
    local e = sz.entries[sz.nested and n + 1 - i or i]
    c:new_path()
    c:arc(e.cx, e.cy, e.r, 0, 2 * math.pi)
    c:set_color(color.alpha(fill, 0.35))
    c:fill_preserve()
    c:set_color(fill)
    c:stroke()
  end
  for _, e in ipairs(sz.entries) do
    if sz.nested then -- a leader from the circle's top to its value
      c:new_path()
      c:set_color(theme.muted or fill)
      c:set_line_width(0.75)
      c:move_to(e.cx, e.text_y)
      c:line_to(e.text_x - 2, e.text_y)
      c:stroke()
    end
    c:text(e.label, e.text_x, e.text_y, { font = sz.font, color = theme.foreground, valign = "middle",
      role = "legend-label", value = e.value })
  end
  c:end_item()
end

-- Axis lines, tick marks, labels, axis titles, title, subtitle and legend
-- (over the data).
function M.draw_axes(c, f, theme)
  c:auto_marks(false)
  local p = f.plot
  local muted = theme.muted or theme.foreground
  if f.bottom then
    local a, yb = f.bottom, snap(p.y + p.height)
    c:new_path()
    c:set_line_width(1)
    c:set_color(theme.axis or muted)
    c:move_to(p.x, yb)
    c:line_to(p.x + p.width, yb)
    for _, t in ipairs(a.ticks) do
      if t.show then
        c:move_to(snap(t.pos), yb)
        c:line_to(snap(t.pos), yb + M.TICK)
      end
    end
    c:stroke()
    draw_labels(c, a, muted)
  end
  if f.left then
    local a = f.left
    if a.kind == "band" then
      local xl = snap(p.x)
      c:new_path()
      c:set_line_width(1)
      c:set_color(theme.axis or muted)
      c:move_to(xl, p.y)
      c:line_to(xl, p.y + p.height)
      for _, t in ipairs(a.ticks) do
        if t.show then
          c:move_to(xl, snap(t.pos))
          c:line_to(xl - M.TICK, snap(t.pos))
        end
      end
      c:stroke()
    end
    draw_labels(c, a, muted)
  end
  draw_block(c, f.title, "title")
  draw_block(c, f.subtitle, "subtitle")
  draw_legend(c, f.legend, theme)
  draw_size_key(c, f.size_legend, theme)
end

function M.draw(c, f, theme)
  M.draw_background(c, f, theme)
  M.draw_axes(c, f, theme)
end

return M
