-- Bullet graph (Stephen Few): one row per measure (y) with its value (x) as
-- a thin bar over qualitative ranges (range1 < range2: poor, satisfactory,
-- good to the end of the scale) and a target mark. Each row has its own
-- linear scale from zero, since measures differ in units.
local frame = require "layout.frame"
local format = require "layout.format"
local ticks = require "layout.ticks"
local text = require "layout.text"
local color = require "layout.color"
local transform = require "data.transform"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"

local M = {
  name = "bullet",
  mark = "bar", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "target", "range1", "range2" } },
  options = {},
}

M.MAX_ROW = 64  -- a row never gets taller than this
M.BAR = 0.3     -- the value bar's share of the range band's height
M.TARGET = 0.7  -- the target mark's share

-- One row per y category: value, target and range limits (first row's when several rows share a name).
function M.rows(spec)
  local enc = spec.encoding
  local out = {}
  local channels = { "x", "target", "range1", "range2" }
  local per = {}
  values.category(spec, "y", "bullet rows")
  for _, ch in ipairs(channels) do values.measure(spec, ch, "bullet bars, targets and ranges") end
  for _, ch in ipairs(channels) do
    if enc[ch] and enc[ch].field then
      per[ch] = transform.group(spec.data, enc.y.field, enc[ch].field, enc[ch].aggregate or "sum")
    end
  end
  for i, g in ipairs(per.x) do
    out[i] = { label = values.key_text(g[enc.y.field]), value = g.value or 0,
      target = per.target and per.target[i].value, range1 = per.range1 and per.range1[i].value,
      range2 = per.range2 and per.range2[i].value }
  end
  return out
end

function M.layout(spec, theme, box)
  local rows = M.rows(spec)
  local f = frame.layout_simple(spec, theme, box, nil)
  local p = f.plot
  local tfont, lfont = text.font(theme, "tick"), text.font(theme, "axis_title", "bold")
  local lh = text.line_height(tfont)
  local lw = 0
  for _, r in ipairs(rows) do
    r.text = text.shorten(r.label, lfont, p.width * 0.3)
    lw = math.max(lw, text.width(r.text, lfont))
  end
  local x0 = p.x + lw + 12
  local width = math.max(10, p.x + p.width - x0 - 8)
  local n = math.max(1, #rows)
  -- Each row gets its own tick labels while there is room for them under a 6 px band;
  -- past that, rows share the space as thin bands without numbers, and row names are
  -- left out where they would touch (every k-th kept), never drawn over each other.
  local full = p.height / n >= 6 + lh + 16
  local step = full and math.min(M.MAX_ROW + lh + 16, p.height / n) or p.height / n
  local band = full and math.max(6, step - lh - 16) or math.max(1, step * 0.8)
  local label_every = math.max(1, math.ceil((text.line_height(lfont) + 2) / step))
  local top = p.y + (p.height - step * #rows) / 2
  local function lay_out_rows(width)
    local count = math.max(2, math.floor(width / frame.X_SPACING))
    for i, r in ipairs(rows) do
      local lo = math.min(0, r.value, r.target or 0)
      local hi = math.max(r.value, r.target or r.value, r.range2 or r.value, r.range1 or r.value)
      if hi <= lo then hi = lo + 1 end
      local tk = ticks.nice(lo, hi, count)
      r.min, r.max = tk.min, tk.max
      local function px(v) return x0 + (v - tk.min) / (tk.max - tk.min) * width end
      r.y, r.height = top + step * (i - 1), band
      r.show_ticks, r.show_label = full, (i - 1) % label_every == 0
      r.x0, r.width = x0, width
      local edges = { r.min }
      if r.range1 then edges[#edges + 1] = math.max(r.min, math.min(r.max, r.range1)) end
      if r.range2 then edges[#edges + 1] = math.max(r.min, math.min(r.max, r.range2)) end
      edges[#edges + 1] = r.max
      r.ranges = {}
      for k = 1, #edges - 1 do
        local t = #edges > 2 and (k - 1) / (#edges - 2) or 1
        r.ranges[k] = { x = px(edges[k]), width = px(edges[k + 1]) - px(edges[k]),
          color = color.mix(theme.muted, theme.grid, 0.45 + 0.55 * t) }
      end
      local bh = band * M.BAR
      local zero = px(math.max(r.min, 0))
      r.bar = { x = math.min(zero, px(r.value)), y = r.y + (band - bh) / 2, width = math.abs(px(r.value) - zero),
        height = bh }
      if r.target then
        local th = band * M.TARGET
        r.target_mark = { x = px(r.target), y0 = r.y + (band - th) / 2, y1 = r.y + (band + th) / 2 }
      end
      local fmt = format.from_spec(spec.encoding.x.format, tk.step, { number = theme.number })
        or format.ticker(tk.step, { number = theme.number, max = math.max(math.abs(tk.min), math.abs(tk.max)) })
      r.ticks = {}
      for _, v in ipairs(tk) do r.ticks[#r.ticks + 1] = { x = px(v), label = fmt(v), value = v } end
    end
  end
  lay_out_rows(width)
  -- The last tick label is centred on the scale's end: a wide one narrows the scale.
  local over = 0
  for _, r in ipairs(rows) do
    local t = r.ticks[#r.ticks]
    if t then over = math.max(over, text.width(t.label, tfont) / 2) end
  end
  if over > 8 then lay_out_rows(math.max(10, p.x + p.width - x0 - over)) end
  return { frame = f, rows = rows, label_font = lfont, tick_font = tfont, fill = theme.foreground }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, r in ipairs(layout.rows) do
    for _, g in ipairs(r.ranges) do
      c:new_path()
      c:rect(g.x, r.y, g.width, r.height)
      c:set_color(g.color)
      c:fill()
    end
    c:new_path()
    c:rect(r.bar.x, r.bar.y, r.bar.width, r.bar.height)
    c:set_color(theme.palette[1])
    c:fill()
    if r.target_mark then
      c:new_path()
      c:move_to(r.target_mark.x, r.target_mark.y0)
      c:line_to(r.target_mark.x, r.target_mark.y1)
      c:set_line_width(3)
      c:set_color(theme.foreground)
      c:stroke()
    end
    c:new_path()
    c:set_line_width(1)
    c:set_color(theme.axis or theme.muted)
    for _, t in ipairs(r.show_ticks and r.ticks or {}) do
      c:move_to(math.floor(t.x) + 0.5, r.y + r.height)
      c:line_to(math.floor(t.x) + 0.5, r.y + r.height + 4)
    end
    c:stroke()
    for _, t in ipairs(r.show_ticks and r.ticks or {}) do
      c:text(t.label, t.x, r.y + r.height + 6, { font = layout.tick_font, color = theme.muted, align = "center",
        valign = "top", role = "tick-label", value = t.value })
    end
    if r.show_label then
      c:text(r.text, r.x0 - 12, r.y + r.height / 2, { font = layout.label_font, color = theme.foreground,
        align = "right", valign = "middle", role = "tick-label" })
    else
      c:record_thinned("y", 1)
    end
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(_, layout)
  local parts = {}
  for i, r in ipairs(layout.rows) do
    if i > 3 then break end
    local s = string.format("%s %s", r.label, describe.number_text(r.value))
    if r.target then
      s = s .. string.format(" (%s target %s)", r.value >= r.target and "meets" or "below",
        describe.number_text(r.target))
    end
    parts[#parts + 1] = s
  end
  local more = #layout.rows > 3 and string.format(" and %d more", #layout.rows - 3) or ""
  return string.format("Bullet graph of %d measure%s: %s%s.", #layout.rows, #layout.rows == 1 and "" or "s",
    table.concat(parts, "; "), more)
end

M.sample = {
  type = "bullet",
  title = "Quarterly KPIs",
  subtitle = "Actual against target",
  data = { values = {
    { kpi = "Revenue (k$)", actual = 270, goal = 250, poor = 150, ok = 225 },
    { kpi = "Profit (%)", actual = 22.5, goal = 26, poor = 20, ok = 25 },
    { kpi = "Avg order ($)", actual = 320, goal = 550, poor = 350, ok = 500 },
    { kpi = "New customers", actual = 1650, goal = 2100, poor = 1400, ok = 2000 },
    { kpi = "Satisfaction", actual = 4.6, goal = 4.4, poor = 3.5, ok = 4.25 },
  } },
  encoding = {
    y = { field = "kpi", type = "nominal", title = "KPI" },
    x = { field = "actual", type = "quantitative", title = "Actual" },
    target = { field = "goal", type = "quantitative", title = "Target" },
    range1 = { field = "poor", type = "quantitative" },
    range2 = { field = "ok", type = "quantitative" },
  },
}

return M
