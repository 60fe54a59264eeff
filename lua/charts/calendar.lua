-- Calendar heatmap: one square per day (x, a date) coloured by its value
-- (color, summed per day unless color.aggregate says otherwise) on the
-- theme's sequential ramp; weeks run left to right, Monday to Sunday top
-- down, one block per year with month labels above it.
local color = require "layout.color"
local frame = require "layout.frame"
local format = require "layout.format"
local text = require "layout.text"
local transform = require "data.transform"
local data_frame = require "data.frame"
local errors = require "util.errors"
local describe = require "charts.shared.describe"
local axes = require "charts.shared.axes"

local M = {
  name = "calendar",
  mark = "cell", -- the role of its marks in the scene
  encodings = { required = { "x", "color" }, optional = {} },
  options = {},
}

M.MAX_YEARS = 10
M.PARTS = { 1, 2, 3, 4 } -- rows a year may be split into (months per row: 12, 6, 4, 3)
M.MAX_CELL = 40         -- px: a day never grows past this
M.WEEKDAYS = { "Mon", "", "Wed", "", "Fri", "", "" }

-- Weekday of an epoch day number, Monday = 0 (1970-01-01 was a Thursday).
function M.weekday(day) return (day + 3) % 7 end

-- Days with a value: { {day = epoch day, value =} } sorted, and the range of years.
function M.days(spec)
  local enc = spec.encoding
  if enc.x.type ~= "temporal" then
    error(errors.new("invalid_spec", "encoding.x.type", string.format(
      'a calendar needs dates in x; "%s" is %s', enc.x.field, enc.x.type)))
  end
  local col = spec.data.columns[enc.x.field]
  local keys = {}
  for i = 1, spec.data.nrows do
    local t = col[i]
    keys[i] = t and math.floor(t / 86400) or nil
  end
  local view = { columns = { d = keys, v = enc.color.field and spec.data.columns[enc.color.field] },
    nrows = spec.data.nrows }
  local groups = transform.group(view, "d", enc.color.field and "v", enc.color.aggregate or "sum")
  local out = {}
  for _, g in ipairs(groups) do
    if g.d and g.value then out[#out + 1] = { day = g.d, value = g.value } end
  end
  table.sort(out, function(a, b) return a.day < b.day end)
  if #out == 0 then return out end
  local y0 = data_frame.civil_from_days(out[1].day)
  local y1 = data_frame.civil_from_days(out[#out].day)
  if y1 - y0 + 1 > M.MAX_YEARS then
    error(errors.new("invalid_data", "encoding.x.field", string.format(
      "a calendar shows at most %d years; the data spans %d to %d (%d years)", M.MAX_YEARS, y0, y1, y1 - y0 + 1)))
  end
  return out, y0, y1
end

function M.layout(spec, theme, box)
  local days, y0, y1 = M.days(spec)
  local lo, hi
  for _, d in ipairs(days) do
    lo, hi = math.min(lo or d.value, d.value), math.max(hi or d.value, d.value)
  end
  local cs = color.scale(spec.encoding.color, theme, lo or 0, hi or 1)
  local legend = #days > 0 and { title = spec.encoding.color.title, gradient = { stops = cs.stops, min = cs.min,
    max = cs.max, format = spec.encoding.color.format } } or nil
  local f = frame.layout_simple(spec, theme, box, legend)
  local p = f.plot
  local tfont, yfont = text.font(theme, "tick"), text.font(theme, "axis_title", "bold")
  local lh = text.line_height(tfont)
  local wl = 0
  for _, w in ipairs(M.WEEKDAYS) do wl = math.max(wl, text.width(w, tfont)) end
  local years = y0 and (y1 - y0 + 1) or 1
  local yh = text.line_height(yfont)
  local head = yh + lh + 6 -- the year, then the month labels, above each block
  local gap = 10
  -- A year is one row of weeks, or split into 2, 3 or 4 rows of months, whichever gives
  -- the biggest days on this canvas (a wide strip at 1600x400, half-years at 800x600).
  -- Columns: the weeks a part of the year touches (54 for a whole leap year from a Sunday).
  local parts, cell = 1, 0
  for _, n in ipairs(M.PARTS) do
    local cols = math.ceil((366 / n + 6) / 7) + 1
    local rows = years * n
    local c = math.min((p.width - wl - 6) / cols, (p.height - rows * head - (rows - 1) * gap) / (7 * rows))
    if c > cell * 1.05 then parts, cell = n, c end
  end
  cell = math.max(2, math.min(M.MAX_CELL, math.floor(cell * 10) / 10))
  local gx = p.x + wl + 6
  local top = p.y
  local blocks, cells = {}, {}
  local by_day = {}
  for _, d in ipairs(days) do by_day[d.day] = d.value end
  local per = 12 // parts
  -- Weekday names every other row, or only Monday when rows are too short for that.
  local every = 2 * cell >= lh and 2 or 7
  for k = 0, (y0 and years * parts - 1 or -1) do
    local year, part = y0 + k // parts, k % parts
    local m0, m1 = part * per + 1, part * per + per
    local by = top + k * (head + 7 * cell + gap) + head
    local start = data_frame.days_from_civil(year, m0, 1)
    local stop = data_frame.days_from_civil(m1 == 12 and year + 1 or year, m1 == 12 and 1 or m1 + 1, 1) - 1
    local off = M.weekday(start)
    local block = { year = year, x = gx, y = by, label = part == 0 and tostring(year) or nil, months = {},
      weekdays = {} }
    -- Month names where they fit: none is cut, a crowded one is left out.
    local right = -math.huge
    for m = m0, m1 do
      local first = data_frame.days_from_civil(year, m, 1)
      local x = gx + (first - start + off) // 7 * cell
      local name = format.MONTHS[m]
      if x >= right then
        block.months[#block.months + 1] = { text = name, x = x, y = by - 3 }
        right = x + text.width(name, tfont) + 4
      end
    end
    for w, name in ipairs(M.WEEKDAYS) do
      if name ~= "" and (w - 1) % every == 0 then
        block.weekdays[#block.weekdays + 1] = { text = name, x = gx - 6, y = by + (w - 0.5) * cell }
      end
    end
    for d = start, stop do
      local wk, wd = (d - start + off) // 7, M.weekday(d)
      local v = by_day[d]
      local c = { day = d, x = gx + wk * cell, y = by + wd * cell, size = cell, value = v }
      if v ~= nil then c.color = cs.at(v) end
      cells[#cells + 1] = c
    end
    blocks[#blocks + 1] = block
  end
  -- The year sits on its own line above the month labels.
  for _, b in ipairs(blocks) do b.label_x, b.label_y = p.x, b.y - lh - 6 end
  return { frame = f, blocks = blocks, cells = cells, cell = cell, days = days, min = lo, max = hi,
    tick_font = tfont, year_font = yfont }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local gapped = layout.cell >= 6
  for _, cell in ipairs(layout.cells) do
    c:new_path()
    local inset = gapped and 1 or 0
    c:rect(cell.x + inset / 2, cell.y + inset / 2, cell.size - inset, cell.size - inset)
    c:set_color(cell.color or color.mix(theme.grid, theme.background, 0.4))
    c:fill()
  end
  for _, b in ipairs(layout.blocks) do
    for _, mo in ipairs(b.months) do
      c:text(mo.text, mo.x, mo.y, { font = layout.tick_font, color = theme.muted, valign = "bottom",
        role = "tick-label" })
    end
    for _, w in ipairs(b.weekdays) do
      c:text(w.text, w.x, w.y, { font = layout.tick_font, color = theme.muted, align = "right", valign = "middle",
        role = "tick-label" })
    end
    if b.label then c:text(b.label, b.label_x, b.label_y, { font = layout.year_font, color = theme.foreground, valign = "bottom",
      role = "axis-title" }) end
  end
  if #layout.days == 0 then
    axes.no_data(c, layout.frame, theme)
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local what = spec.encoding.color.title or "values"
  local days = layout.days
  if #days == 0 then return "Calendar heatmap of " .. what .. " with no data." end
  local hi, lo = days[1], days[1]
  for _, d in ipairs(days) do
    if d.value > hi.value then hi = d end
    if d.value < lo.value then lo = d end
  end
  local function date(d) return format.date(d.day * 86400, "day") end
  return string.format("Calendar heatmap of %s per day, %d days from %s to %s; highest %s on %s, lowest %s on %s.",
    what, #days, date(days[1]), date(days[#days]), describe.number_text(hi.value), date(hi),
    describe.number_text(lo.value), date(lo))
end

M.sample = {
  type = "calendar",
  title = "Commits per day",
  subtitle = "chartd repository, 2024",
  data = { values = (function()
    local rows = {}
    local t0 = data_frame.days_from_civil(2024, 1, 1)
    for d = 0, 365 do
      local wd = M.weekday(t0 + d)
      local y, m, dd = data_frame.civil_from_days(t0 + d)
      local base = wd < 5 and 6 or 1
      local season = (m == 8 or m == 12) and 0.3 or 1
      local n = math.floor(base * season * (1 + ((d * 37) % 11) / 5))
      rows[#rows + 1] = { date = ("%04d-%02d-%02d"):format(y, m, dd), commits = n }
    end
    return rows
  end)() },
  encoding = {
    x = { field = "date", type = "temporal", title = "Date" },
    color = { field = "commits", type = "quantitative", title = "Commits" },
  },
}

return M
