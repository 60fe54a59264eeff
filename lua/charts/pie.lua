-- Pie chart: one slice per colour category, its angle proportional to theta.
-- donut.lua is this module with an inner radius (pie.variant), so every rule
-- here (aggregation, "Other", label placement) holds for both.
local format = require "layout.format"
local style = require "layout.style"
local canvas = require "chartd.canvas"
local color = require "layout.color"
local frame = require "layout.frame"
local transform = require "data.transform"
local errors = require "util.errors"
local describe = require "charts.shared.describe"

local TAU = 2 * math.pi
local TOP = -math.pi / 2 -- 12 o'clock; cairo angles grow clockwise because y points down

local M = {}

-- More slices than this cannot be told apart: the smallest go into "Other".
M.MAX_SLICES = 8
M.OTHER = "Other"

-- Percent text for a fraction: whole percents, one decimal under 10 %.
function M.percent_text(f)
  local p = f * 100
  if p > 0 and p < 0.1 then return "<0.1%" end
  -- Half up, not printf's half-to-even: 12.5 % reads as 13 %.
  if p >= 9.95 or p == 0 then return string.format("%d%%", math.floor(p + 0.5)) end
  local s = string.format("%.1f%%", math.floor(p * 10 + 0.5) / 10)
  return (s:gsub("%.0%%$", "%%"))
end

-- Slices are checked after aggregation (a total profit per segment may be positive although
-- some rows are losses); a negative slice is named, with its value.
local function check_values(list, enc)
  for _, s in ipairs(list) do
    if s.value < 0 then
      error(errors.new("invalid_data", "encoding.theta.field", string.format(
        'pie slices need values ≥ 0; the slice "%s" has %s%s in %q (a bar chart shows negative values)',
        s.label, enc.aggregate and (enc.aggregate .. " ") or "", describe.number_text(s.value), enc.field or "")))
    end
  end
end

local function less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta == "number" end
  return a < b
end

-- Orders slices (in place): theta.sort by value, color.sort by label or an
-- explicit list; otherwise the data's first-seen order.
local function order(list, theta_sort, color_sort)
  local function stable(cmp)
    for i, s in ipairs(list) do s._i = i end
    table.sort(list, function(a, b)
      local r = cmp(a, b)
      if r ~= nil then return r end
      return a._i < b._i
    end)
    for _, s in ipairs(list) do s._i = nil end
  end
  local vs = theta_sort
  if vs == "ascending" or vs == "descending" or vs == "y" or vs == "-y" or vs == "x" or vs == "-x" then
    local desc = vs == "descending" or vs == "-y" or vs == "-x"
    stable(function(a, b)
      if a.value == b.value then return nil end
      if desc then return a.value > b.value end
      return a.value < b.value
    end)
  elseif type(color_sort) == "table" then
    local rank = {}
    for i, v in ipairs(color_sort) do rank[tostring(v)] = i end
    stable(function(a, b)
      local ra, rb = rank[a.label] or math.huge, rank[b.label] or math.huge
      if ra == rb then return nil end
      return ra < rb
    end)
  elseif color_sort == "ascending" or color_sort == "descending" then
    stable(function(a, b)
      if a.key == b.key then return nil end
      if color_sort == "descending" then return less(b.key, a.key) end
      return less(a.key, b.key)
    end)
  end
end

-- M.slices(spec) → list of { label=, value=, key= }, total. Theta is summed
-- per colour category unless encoding.theta.aggregate says otherwise; more
-- than MAX_SLICES categories keep the largest MAX_SLICES-1 and put the rest,
-- summed, in a last "Other" slice.
function M.slices(spec)
  local theta, col = spec.encoding.theta, spec.encoding.color
  local op = theta.aggregate or "sum"
  local groups
  if col and col.field then
    groups = transform.group(spec.data, col.field, theta.field, op)
  else
    groups = transform.group(spec.data, {}, theta.field, op)
  end
  local list = {}
  for _, g in ipairs(groups) do
    local key = col and col.field and g[col.field]
    local label
    if key == nil then
      label = (col and col.field) and "(missing)" or (theta.title or "Total")
    elseif type(key) == "number" then
      label = describe.number_text(key)
    else
      label = tostring(key)
    end
    local v = g.value or 0
    list[#list + 1] = { label = label, value = v, key = key }
  end
  check_values(list, theta)
  order(list, theta.sort, col and col.sort)

  if #list > M.MAX_SLICES then
    local by_size = {}
    for i, s in ipairs(list) do by_size[i] = { s = s, i = i } end
    table.sort(by_size, function(a, b)
      if a.s.value ~= b.s.value then return a.s.value > b.s.value end
      return a.i < b.i
    end)
    local keep = {}
    for i = 1, M.MAX_SLICES - 1 do keep[by_size[i].s] = true end
    local kept, other, grouped = {}, 0, 0
    for _, s in ipairs(list) do
      if keep[s] then kept[#kept + 1] = s else other, grouped = other + s.value, grouped + 1 end
    end
    kept[#kept + 1] = { label = M.OTHER, value = other, other = true, count = grouped }
    list = kept
  end

  local total = 0
  for _, s in ipairs(list) do total = total + s.value end
  return list, total
end

-- Is every corner of a w×h box centred at (x, y) inside the annular sector?
local function fits(x, y, w, h, cx, cy, r0, r1, a0, a1)
  for _, c in ipairs { { -1, -1 }, { 1, -1 }, { -1, 1 }, { 1, 1 } } do
    local px, py = x + c[1] * w / 2 - cx, y + c[2] * h / 2 - cy
    local d = math.sqrt(px * px + py * py)
    if d < r0 or d > r1 then return false end
    if a1 - a0 < TAU - 1e-9 then
      local a = math.atan(py, px)
      while a < a0 do a = a + TAU end
      while a >= a0 + TAU do a = a - TAU end
      if a > a1 then return false end
    end
  end
  return true
end

-- Outside labels on one side of the pie: pushed apart top to bottom so they
-- never overlap, then pulled back up if the last one left the plot.
local function spread(labels, h, top, bottom)
  table.sort(labels, function(a, b) return a.y < b.y end)
  for i = 2, #labels do
    if labels[i].y < labels[i - 1].y + h then labels[i].y = labels[i - 1].y + h end
  end
  local over = #labels > 0 and labels[#labels].y + h / 2 - bottom or 0
  if over > 0 then
    for i = #labels, 1, -1 do
      local limit = i < #labels and labels[i + 1].y - h or bottom - h / 2
      if labels[i].y > limit then labels[i].y = limit end
      if labels[i].y < top + h / 2 then labels[i].y = top + h / 2 end
    end
  end
end

local function build(opts)
  local chart = {
    name = opts.name,
    mark = opts.mark or "slice",
    encodings = { required = { "theta", "color" }, optional = {} },
    options = { labels = "boolean" },
    sample = opts.sample,
  }
  local inner_ratio = opts.inner or 0

  function chart.layout(spec, theme, box)
    local list, total = M.slices(spec)
    local palette = color.palette(theme, #list)
    local items = {}
    for i, s in ipairs(list) do
      s.color = s.other and theme.muted or palette[i]
      s.pattern = not s.other and style.pattern(theme, i) or nil
      items[i] = { label = s.label, color = s.color, shape = "square", pattern = s.pattern }
    end
    local empty = total <= 0
    local f = frame.layout_simple(spec, theme, box, (not empty) and { title = spec.encoding.color.title, items = items }
      or nil)
    local plot = f.plot
    -- Percentages are the pie's numbers: a touch larger and bolder than tick labels.
    local lfont = { family = theme.font, size = theme.font_sizes.legend, weight = "bold" }
    local lw, lh = canvas.measure_text("100%", { font = lfont })
    local show_labels = spec.options.labels ~= false

    -- Room around the pie for outside labels and their leader lines.
    local mx, my = show_labels and lw + 16 or 4, show_labels and lh + 8 or 4
    local r = math.max(8, math.min(plot.width / 2 - mx, plot.height / 2 - my))
    local cx, cy = plot.x + plot.width / 2, plot.y + plot.height / 2
    local layout = {
      frame = f, cx = cx, cy = cy, r = r, inner = r * inner_ratio, slices = list, total = total,
      label_font = lfont, label_height = lh,
    }
    if empty then
      layout.slices = {}
      layout.note = "No data"
      return layout
    end

    local cum = 0
    local left, right = {}, {}
    local fractions = {}
    for i, s in ipairs(list) do fractions[i] = s.value / total end
    local percent = format.for_values(fractions, { percent = true, number = theme.number, max_decimals = 3 })
    for _, s in ipairs(list) do
      s.fraction = s.value / total
      s.a0 = TOP + TAU * cum / total
      cum = cum + s.value
      s.a1 = TOP + TAU * cum / total
      s.percent = percent(s.fraction)
      if show_labels and s.value > 0 then
        local w, h = canvas.measure_text(s.percent, { font = lfont })
        local am = (s.a0 + s.a1) / 2
        local rm = inner_ratio > 0 and (layout.inner + r) / 2 or r * 0.62
        if #list == 1 then rm = 0 end
        local x, y = cx + rm * math.cos(am), cy + rm * math.sin(am)
        if #list == 1 and inner_ratio > 0 then x, y = cx, cy + (layout.inner + r) / 2 end
        if fits(x, y, w + 4, h + 2, cx, cy, layout.inner, r, s.a0, s.a1) then
          s.label_pos = { x = x, y = y, align = "center", inside = true,
            color = color.contrast_text(s.color, theme) }
        else
          local ca, sa = math.cos(am), math.sin(am)
          local lab = { slice = s, y = cy + (r + 8) * sa, ca = ca, sa = sa }
          if ca >= 0 then right[#right + 1] = lab else left[#left + 1] = lab end
        end
      end
    end
    for side, labels in pairs { [1] = right, [-1] = left } do
      spread(labels, lh, plot.y, plot.y + plot.height)
      for _, lab in ipairs(labels) do
        local s = lab.slice
        -- x follows the circle of radius r + 8 at the label's (moved) height, so a
        -- label pushed up or down never slides in over the pie.
        local dy = lab.y - cy
        local x = cx + side * (math.sqrt(math.max(0, (r + 8) ^ 2 - dy * dy)) + 4)
        s.label_pos = { x = x, y = lab.y, align = side > 0 and "left" or "right", inside = false,
          color = theme.foreground }
        s.leader = { cx + (r + 1) * lab.ca, cy + (r + 1) * lab.sa, x - side * 3, lab.y }
      end
    end

    if inner_ratio > 0 then
      local text = describe.number_text(total)
      local big = { family = theme.font, size = theme.font_sizes.title, weight = "bold" }
      local small = { family = theme.font, size = theme.font_sizes.label }
      local tw, th = canvas.measure_text(text, { font = big })
      local sw, sh = canvas.measure_text("Total", { font = small })
      if math.max(tw, sw) <= 2 * layout.inner * 0.85 and th + sh <= 2 * layout.inner * 0.8 then
        layout.center = { text = text, value = total, font = big, label = "Total", label_font = small,
          y = cy - sh / 2, label_y = cy + th / 2 }
      end
    end
    return layout
  end

  function chart.draw(c, layout, theme)
    frame.draw_background(c, layout.frame, theme)
    local cx, cy, r, inner = layout.cx, layout.cy, layout.r, layout.inner
    for _, s in ipairs(layout.slices) do
      if s.value > 0 then
        local function slice_path()
          c:new_path()
          if inner > 0 then
            c:arc(cx, cy, r, s.a0, s.a1)
            c:arc_negative(cx, cy, inner, s.a1, s.a0)
          else
            if s.a1 - s.a0 < TAU - 1e-9 then c:move_to(cx, cy) end
            c:arc(cx, cy, r, s.a0, s.a1)
          end
          c:close_path()
        end
        slice_path()
        c:set_color(s.color)
        c:fill_preserve()
        -- A theme with fill patterns (print) hatches each slice its own way.
        if s.pattern then
          style.hatch(c, s.pattern, s.color, cx - r, cy - r, 2 * r, 2 * r)
          slice_path()
        end
        -- A hairline in the background colour keeps neighbouring slices apart.
        if #layout.slices > 1 then
          c:set_color(theme.background)
          c:set_line_width(1.5)
          c:set_line_join("round")
          c:stroke()
        else
          c:new_path()
        end
      end
    end
    for _, s in ipairs(layout.slices) do
      if s.leader then
        c:new_path()
        c:move_to(s.leader[1], s.leader[2])
        c:line_to(s.leader[3], s.leader[4])
        c:set_color(theme.muted)
        c:set_line_width(1)
        c:stroke()
      end
      if s.label_pos then
        local p = s.label_pos
        c:text(s.percent, p.x, p.y, { font = layout.label_font, color = p.color, align = p.align, valign = "middle",
          role = "data-label", value = s.fraction })
      end
    end
    if layout.center then
      local m = layout.center
      c:text(m.text, cx, m.y, { font = m.font, color = theme.foreground, align = "center", valign = "middle",
        role = "data-label", value = m.value })
      c:text(m.label, cx, m.label_y, { font = m.label_font, color = theme.muted, align = "center", valign = "middle",
        role = "annotation" })
    end
    if layout.note then
      c:text(layout.note, cx, cy, { font = { family = theme.font, size = theme.font_sizes.note },
        color = theme.muted, align = "center", valign = "middle", role = "note" })
    end
    frame.draw_axes(c, layout.frame, theme) -- title, subtitle and legend; a pie has no axes
  end

  function chart.describe(spec, layout)
    local kind = inner_ratio > 0 and "Donut" or "Pie"
    local what = spec.encoding.theta.title or "values"
    local by = spec.encoding.color.title or "category"
    if #layout.slices == 0 then return string.format("%s chart of %s by %s with no data.", kind, what, by) end
    local sorted = {}
    for i, s in ipairs(layout.slices) do sorted[i] = s end
    table.sort(sorted, function(a, b) return a.value > b.value end)
    local parts = {}
    for i = 1, math.min(3, #sorted) do parts[i] = sorted[i].label .. " " .. sorted[i].percent end
    local total = describe.number_text(layout.total)
    return string.format("%s chart of %s by %s across %d slice%s (total %s); largest: %s.", kind, what, by,
      #layout.slices, #layout.slices == 1 and "" or "s", total, table.concat(parts, ", "))
  end

  -- data_summary: one row per drawn slice (Other included), percent to 0.01.
  function chart.summary(spec, layout)
    local rows = {}
    for i, s in ipairs(layout.slices) do
      rows[i] = { s.label, s.value, math.floor(s.value / layout.total * 10000 + 0.5) / 100 }
    end
    return require("charts.shared.summary").table(
      { spec.encoding.color.field or "category", spec.encoding.theta.field or "value", "percent" }, rows)
  end

  return chart
end

local pie = build {
  name = "pie",
  mark = "slice", -- the role of its marks in the scene
  inner = 0,
  sample = {
    type = "pie",
    title = "Browser market share",
    subtitle = "Desktop, share of page views",
    data = { values = {
      { browser = "Chrome", share = 65.4 }, { browser = "Edge", share = 13.1 },
      { browser = "Safari", share = 9.2 }, { browser = "Firefox", share = 6.6 },
      { browser = "Opera", share = 3.1 }, { browser = "Samsung Internet", share = 2.6 },
    } },
    encoding = {
      theta = { field = "share", type = "quantitative", title = "Share (%)" },
      color = { field = "browser", type = "nominal", title = "Browser" },
    },
  },
}

-- pie.variant{ name=, inner= (0..1 of the radius), sample= } → another chart
-- table with the same rules; donut.lua is pie.variant{ inner = 0.58, ... }.
pie.variant = build
pie.slices = M.slices
pie.percent_text = M.percent_text
pie.MAX_SLICES = M.MAX_SLICES

return pie
