-- Parallel coordinates: one vertical axis per quantitative field
-- (options.fields, default every quantitative column), one polyline per
-- row across them, coloured by an optional nominal colour field. Each axis
-- has its own nice linear scale; a row with a missing value breaks its line.
local color = require "layout.color"
local frame = require "layout.frame"
local format = require "layout.format"
local ticks = require "layout.ticks"
local text = require "layout.text"
local errors = require "util.errors"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"

local M = {
  name = "parallel",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = {}, optional = { "color" } },
  options = { fields = "array" },
}

M.MAX_FIELDS = 12
-- More lines than this only add ink (and cost seconds to stroke): an even
-- sample of the rows is drawn instead, and the alt text says so.
M.MAX_LINES = 2000
M.Y_SPACING = 50

-- The fields drawn: options.fields checked against the data, or every quantitative column.
function M.fields(spec)
  local df = spec.data
  local out = {}
  if spec.options.fields then
    for i, name in ipairs(spec.options.fields) do
      local path = ("options.fields[%d]"):format(i - 1)
      if type(name) ~= "string" or not df.columns[name] then
        error(errors.new("unknown_field", path, string.format('no column %s; columns are %s',
          type(name) == "string" and ('"' .. name .. '"') or tostring(name), table.concat(df.names, ", "))))
      end
      if df.types[name] ~= "quantitative" then
        error(errors.new("invalid_spec", path, string.format('"%s" is %s; parallel axes need quantitative fields',
          name, df.types[name])))
      end
      out[#out + 1] = name
    end
  else
    local cf = spec.encoding.color and spec.encoding.color.field
    for _, name in ipairs(df.names) do
      if df.types[name] == "quantitative" and name ~= cf then out[#out + 1] = name end
    end
  end
  if #out < 2 then
    error(errors.new("invalid_spec", "options.fields", string.format(
      "parallel coordinates need at least 2 quantitative fields; found %d (%s)", #out, table.concat(out, ", "))))
  end
  if #out > M.MAX_FIELDS then
    error(errors.new("invalid_spec", "options.fields", string.format("at most %d fields, got %d", M.MAX_FIELDS, #out)))
  end
  return out
end

function M.layout(spec, theme, box)
  local fields = M.fields(spec)
  local df = spec.data
  local cenc = spec.encoding.color
  local cf = cenc and cenc.field
  local groups, gindex = {}, {}
  local rowgroup = {}
  if cf then
    local col = df.columns[cf]
    for r = 1, df.nrows do
      local key = values.key_text(col[r])
      local g = gindex[key]
      if not g then
        g = { label = key, count = 0, index = #groups + 1 }
        gindex[key] = g
        groups[#groups + 1] = g
      end
      g.count = g.count + 1
      rowgroup[r] = g.index
    end
  end
  local palette = color.palette(theme, math.max(1, #groups))
  local legend
  if cf then
    local items = {}
    for i, g in ipairs(groups) do items[i] = { label = g.label, color = palette[i], shape = "line" } end
    legend = { title = cenc.title, items = items }
  end
  local f = frame.layout_simple(spec, theme, box, legend)
  local p = f.plot
  local hfont, tfont = text.font(theme, "axis_title", "bold"), text.font(theme, "tick")
  local hh, lh = text.line_height(hfont), text.line_height(tfont)
  local n = #fields
  local step = p.width / n
  local top, bottom = p.y + hh + 8, p.y + p.height - lh / 2
  local axes = {}
  for i, name in ipairs(fields) do
    local col = df.columns[name]
    local lo, hi
    for r = 1, df.nrows do
      local v = col[r]
      if v ~= nil then lo, hi = math.min(lo or v, v), math.max(hi or v, v) end
    end
    lo, hi = lo or 0, hi or 1
    local count = math.max(2, math.floor((bottom - top) / M.Y_SPACING))
    local tk = ticks.whole(col, df.nrows) and ticks.integer(lo, hi, count) or ticks.nice(lo, hi, count)
    local fmt = format.ticker(tk.step, { number = theme.number, max = math.max(math.abs(tk.min), math.abs(tk.max)) })
    local x = p.x + step * (i - 0.5)
    local a = { field = name, x = x, min = tk.min, max = tk.max, top = top, bottom = bottom, ticks = {},
      title = text.truncate(name, hfont, step - 6) }
    for _, v in ipairs(tk) do
      a.ticks[#a.ticks + 1] = { y = bottom - (v - tk.min) / (tk.max - tk.min) * (bottom - top), label = fmt(v), value = v }
    end
    axes[i] = a
  end
  -- Lines as flat coordinate arrays per colour group: cheap to build and to stroke for many rows.
  local lines = {}
  local ngroups = math.max(1, #groups)
  for g = 1, ngroups do lines[g] = { color = palette[g], runs = {} } end
  local cols = {}
  for i, name in ipairs(fields) do cols[i] = df.columns[name] end
  local stride = math.max(1, math.ceil(df.nrows / M.MAX_LINES))
  local drawn = 0
  for r = 1, df.nrows, stride do
    drawn = drawn + 1
    local run, runs = nil, lines[rowgroup[r] or 1].runs
    for i, a in ipairs(axes) do
      local v = cols[i][r]
      if v == nil then
        run = nil
      else
        if not run then run = {}; runs[#runs + 1] = run end
        run[#run + 1] = a.x
        run[#run + 1] = a.bottom - (v - a.min) / (a.max - a.min) * (a.bottom - a.top)
      end
    end
  end
  -- Many rows: thinner, fainter lines so the density still shows.
  local alpha = drawn >= 1000 and 0.15 or (drawn > 200 and 0.3 or 0.75)
  return { frame = f, fields = fields, axes = axes, lines = lines, groups = groups, alpha = alpha, drawn = drawn,
    line_width = df.nrows > 200 and 1 or 1.5, title_font = hfont, tick_font = tfont, rows = df.nrows }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  c:set_line_width(layout.line_width)
  c:set_line_join("round")
  for _, g in ipairs(layout.lines) do
    c:new_path()
    for _, run in ipairs(g.runs) do
      if #run >= 4 then
        c:move_to(run[1], run[2])
        for k = 3, #run, 2 do c:line_to(run[k], run[k + 1]) end
      end
    end
    c:set_color(color.alpha(g.color, layout.alpha))
    c:stroke()
  end
  for _, a in ipairs(layout.axes) do
    c:new_path()
    c:move_to(math.floor(a.x) + 0.5, a.top)
    c:line_to(math.floor(a.x) + 0.5, a.bottom)
    for _, t in ipairs(a.ticks) do
      c:move_to(math.floor(a.x) - 3, math.floor(t.y) + 0.5)
      c:line_to(math.floor(a.x) + 1, math.floor(t.y) + 0.5)
    end
    c:set_color(theme.axis or theme.muted)
    c:set_line_width(1)
    c:stroke()
    for _, t in ipairs(a.ticks) do
      c:text(t.label, a.x - 5, t.y, { font = layout.tick_font, color = theme.muted, align = "right",
        valign = "middle", role = "tick-label", value = t.value })
    end
    c:text(a.title, a.x, a.top - 8, { font = layout.title_font, color = theme.foreground, align = "center",
      valign = "bottom", role = "axis-title" })
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local head = string.format("Parallel coordinates of %d rows across %d fields (%s)", layout.rows, #layout.fields,
    table.concat(layout.fields, ", "))
  if #layout.groups > 0 then
    local parts = {}
    for i, g in ipairs(layout.groups) do
      if i > 5 then parts[#parts + 1] = "…"; break end
      parts[#parts + 1] = string.format("%s (%s)", g.label, describe.number_text(g.count))
    end
    head = head .. string.format(", coloured by %s: %s", (spec.encoding.color.title or "group"):lower(),
      table.concat(parts, ", "))
  end
  if layout.drawn < layout.rows then
    head = head .. string.format(" (an even sample of %d lines is drawn)", layout.drawn)
  end
  local a = layout.axes
  return head .. string.format(". Axes run from %s to %s for %s and %s to %s for %s.",
    describe.number_text(a[1].min), describe.number_text(a[1].max), a[1].field,
    describe.number_text(a[#a].min), describe.number_text(a[#a].max), a[#a].field)
end

M.sample = {
  type = "parallel",
  title = "Cars by origin",
  subtitle = "Each line is one model",
  data = { values = {
    { name = "chevelle", origin = "USA", mpg = 18, cylinders = 8, hp = 130, weight = 3504, accel = 12 },
    { name = "skylark", origin = "USA", mpg = 15, cylinders = 8, hp = 165, weight = 3693, accel = 11.5 },
    { name = "torino", origin = "USA", mpg = 17, cylinders = 8, hp = 140, weight = 3449, accel = 10.5 },
    { name = "maverick", origin = "USA", mpg = 21, cylinders = 6, hp = 85, weight = 2587, accel = 16 },
    { name = "pinto", origin = "USA", mpg = 26, cylinders = 4, hp = 72, weight = 2408, accel = 19 },
    { name = "corona", origin = "Japan", mpg = 24, cylinders = 4, hp = 95, weight = 2372, accel = 15 },
    { name = "civic", origin = "Japan", mpg = 33, cylinders = 4, hp = 53, weight = 1795, accel = 17.5 },
    { name = "510", origin = "Japan", mpg = 27, cylinders = 4, hp = 88, weight = 2130, accel = 14.5 },
    { name = "rx2", origin = "Japan", mpg = 19, cylinders = 3, hp = 97, weight = 2330, accel = 13.5 },
    { name = "beetle", origin = "Europe", mpg = 26, cylinders = 4, hp = 46, weight = 1835, accel = 20.5 },
    { name = "504", origin = "Europe", mpg = 25, cylinders = 4, hp = 87, weight = 2672, accel = 17.5 },
    { name = "2002", origin = "Europe", mpg = 26, cylinders = 4, hp = 113, weight = 2234, accel = 12.5 },
    { name = "244dl", origin = "Europe", mpg = 22, cylinders = 4, hp = 98, weight = 2945, accel = 14.5 },
  } },
  encoding = { color = { field = "origin", type = "nominal", title = "Origin" } },
  options = { fields = { "mpg", "cylinders", "hp", "weight", "accel" } },
}

return M
