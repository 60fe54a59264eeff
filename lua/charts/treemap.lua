-- Treemap: one rectangle per text category, its area proportional to size,
-- tiled with the squarified algorithm (Bruls, Huizing, van Wijk 2000). An
-- optional colour field groups the leaves: groups are tiled first, then the
-- leaves inside each group's rectangle, so both levels stay proportional.
local format = require "layout.format"
local canvas = require "chartd.canvas"
local color = require "layout.color"
local frame = require "layout.frame"
local axes = require "charts.shared.axes"
local transform = require "data.transform"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"

local M = {
  name = "treemap",
  mark = "cell", -- the role of its marks in the scene
  encodings = { required = { "text", "size" }, optional = { "color" } },
  options = { labels = "boolean" },
}

M.LABEL_PAD = 4

-- The worst aspect ratio of a row of areas laid along a side of length w.
local function worst(row, sum, w)
  local rmax, rmin = 0, math.huge
  for _, it in ipairs(row) do rmax, rmin = math.max(rmax, it.area), math.min(rmin, it.area) end
  local w2, s2 = w * w, sum * sum
  return math.max(w2 * rmax / s2, s2 / (w2 * rmin))
end

-- Places one row along the shorter side of rect and returns what is left.
local function place_row(row, sum, rect, last)
  local out
  if rect.width >= rect.height then
    -- A column at the left edge, as wide as the row's area needs.
    local cw = last and rect.width or sum / rect.height
    local y = rect.y
    for i, it in ipairs(row) do
      local h = i == #row and rect.y + rect.height - y or it.area / cw
      it.x, it.y, it.width, it.height = rect.x, y, cw, h
      y = y + h
    end
    out = { x = rect.x + cw, y = rect.y, width = rect.width - cw, height = rect.height }
  else
    local rh = last and rect.height or sum / rect.width
    local x = rect.x
    for i, it in ipairs(row) do
      local w = i == #row and rect.x + rect.width - x or it.area / rh
      it.x, it.y, it.width, it.height = x, rect.y, w, rh
      x = x + w
    end
    out = { x = rect.x, y = rect.y + rh, width = rect.width, height = rect.height - rh }
  end
  return out
end

-- M.squarify(items, rect): items { value = } (value > 0), sorted by value
-- descending; sets x, y, width, height on each so that they tile rect
-- exactly with areas proportional to value.
function M.squarify(items, rect)
  local total = 0
  for _, it in ipairs(items) do total = total + it.value end
  if total <= 0 then return items end
  local k = rect.width * rect.height / total
  for _, it in ipairs(items) do it.area = it.value * k end
  local i, n = 1, #items
  local r = { x = rect.x, y = rect.y, width = rect.width, height = rect.height }
  while i <= n do
    local w = math.min(r.width, r.height)
    local row, sum = { items[i] }, items[i].area
    local j = i + 1
    while j <= n do
      local cand = items[j]
      row[#row + 1] = cand
      if worst(row, sum + cand.area, w) > worst({ table.unpack(row, 1, #row - 1) }, sum, w) then
        row[#row] = nil
        break
      end
      sum = sum + cand.area
      j = j + 1
    end
    r = place_row(row, sum, r, j > n)
    i = j
  end
  return items
end

local function by_value(list)
  for i, it in ipairs(list) do it._i = i end
  table.sort(list, function(a, b)
    if a.value ~= b.value then return a.value > b.value end
    return a._i < b._i
  end)
  for _, it in ipairs(list) do it._i = nil end
end

-- Leaves (summed size per text, and per group when there is one) and groups.
function M.tree(spec)
  values.nonnegative(spec, "size", "treemap rectangles")
  local enc = spec.encoding
  local gfield = enc.color and enc.color.field
  local keys = gfield and { gfield, enc.text.field } or { enc.text.field }
  local rows = transform.group(spec.data, keys, enc.size.field, enc.size.aggregate or "sum")
  local groups, gindex = {}, {}
  for _, r in ipairs(rows) do
    local v = r.value or 0
    if v > 0 then
      local gk = gfield and values.key_text(r[gfield]) or ""
      local g = gindex[gk]
      if not g then
        g = { label = gk, value = 0, leaves = {} }
        gindex[gk] = g
        groups[#groups + 1] = g
      end
      g.leaves[#g.leaves + 1] = { label = values.key_text(r[enc.text.field]), value = v, group = g }
      g.value = g.value + v
    end
  end
  return groups
end

function M.layout(spec, theme, box)
  local groups = M.tree(spec)
  local grouped = spec.encoding.color and spec.encoding.color.field
  local total, nleaves = 0, 0
  for _, g in ipairs(groups) do total, nleaves = total + g.value, nleaves + #g.leaves end
  local legend
  local gcolors = color.palette(theme, math.max(1, grouped and #groups or nleaves))
  if grouped then
    local items = {}
    for i, g in ipairs(groups) do items[i] = { label = g.label, color = gcolors[i], shape = "square" } end
    legend = { title = spec.encoding.color.title, items = items }
  end
  local f = frame.layout_simple(spec, theme, box, legend)
  for i, g in ipairs(groups) do g.color = gcolors[i] end
  local leaves = {}
  if total > 0 then
    by_value(groups)
    M.squarify(groups, f.plot)
    for _, g in ipairs(groups) do
      by_value(g.leaves)
      M.squarify(g.leaves, g)
      for _, l in ipairs(g.leaves) do leaves[#leaves + 1] = l end
    end
  end
  if not grouped then
    for i, l in ipairs(leaves) do l.color = gcolors[i] end
  else
    for _, l in ipairs(leaves) do l.color = l.group.color end
  end
  local font = { family = theme.font, size = theme.font_sizes.label, weight = "bold" }
  local vfont = { family = theme.font, size = theme.font_sizes.label }
  local pad = M.LABEL_PAD
  local values = {}
  for i, l in ipairs(leaves) do values[i] = l.value end
  local value_fmt = format.for_values(values, { number = theme.number })
  for _, l in ipairs(leaves) do
    l.fraction = l.value / total
    if spec.options.labels ~= false then
      local tw, th = canvas.measure_text(l.label, { font = font })
      if tw + 2 * pad <= l.width and th + 2 * pad <= l.height then
        l.text = { x = l.x + pad, y = l.y + pad, color = color.contrast_text(l.color, theme) }
        l.value_text = value_fmt(l.value)
        local vw, vh = canvas.measure_text(l.value_text, { font = vfont })
        if not (vw + 2 * pad <= l.width and th + vh + 2 * pad + 1 <= l.height) then l.value_text = nil end
        l.text.value_y = l.y + pad + th + 1
      end
    end
  end
  return { frame = f, groups = groups, leaves = leaves, total = total, font = font, value_font = vfont,
    grouped = grouped and true or false, note = total <= 0 and "No data" or nil }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  c:set_line_width(1)
  for _, l in ipairs(layout.leaves) do
    c:new_path()
    c:rect(l.x, l.y, l.width, l.height)
    c:set_color(l.color)
    c:fill_preserve()
    c:set_color(theme.background)
    c:stroke()
  end
  -- Group borders are thicker than leaf borders, so the hierarchy reads at a glance.
  if layout.grouped and #layout.groups > 1 then
    c:new_path()
    for _, g in ipairs(layout.groups) do c:rect(g.x, g.y, g.width, g.height) end
    c:set_color(theme.background)
    c:set_line_width(3)
    c:stroke()
  end
  for _, l in ipairs(layout.leaves) do
    if l.text then
      c:text(l.label, l.text.x, l.text.y, { font = layout.font, color = l.text.color, valign = "top",
        role = "data-label" })
      if l.value_text then
        c:text(l.value_text, l.text.x, l.text.value_y, { font = layout.value_font, color = l.text.color,
          valign = "top", role = "data-label", value = l.value })
      end
    end
  end
  if layout.note then axes.note(c, layout.frame, theme, layout.note) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local what = spec.encoding.size.title or "values"
  local by = spec.encoding.text.title or "category"
  if #layout.leaves == 0 then return string.format("Treemap of %s by %s with no data.", what, by) end
  local sorted = {}
  for i, l in ipairs(layout.leaves) do sorted[i] = l end
  table.sort(sorted, function(a, b) return a.value > b.value end)
  local parts = {}
  for i = 1, math.min(3, #sorted) do
    parts[i] = string.format("%s %s (%s)", sorted[i].label, describe.number_text(sorted[i].value),
      require("charts.pie").percent_text(sorted[i].fraction))
  end
  local groups = layout.grouped and string.format(" in %d groups", #layout.groups) or ""
  return string.format("Treemap of %s by %s: %d rectangles%s, total %s; largest: %s.", what, by, #layout.leaves,
    groups, describe.number_text(layout.total), table.concat(parts, ", "))
end

M.sample = {
  type = "treemap",
  title = "Cloud spend by service",
  subtitle = "Last quarter, thousands of USD",
  data = { values = {
    { service = "EC2", area = "Compute", cost = 412 }, { service = "Lambda", area = "Compute", cost = 96 },
    { service = "EKS", area = "Compute", cost = 143 }, { service = "S3", area = "Storage", cost = 188 },
    { service = "EBS", area = "Storage", cost = 121 }, { service = "Glacier", area = "Storage", cost = 23 },
    { service = "RDS", area = "Databases", cost = 231 }, { service = "DynamoDB", area = "Databases", cost = 77 },
    { service = "Redshift", area = "Databases", cost = 105 }, { service = "CloudFront", area = "Network", cost = 64 },
    { service = "NAT Gateway", area = "Network", cost = 58 }, { service = "Route 53", area = "Network", cost = 9 },
  } },
  encoding = {
    text = { field = "service", type = "nominal", title = "Service" },
    size = { field = "cost", type = "quantitative", title = "Cost (kUSD)" },
    color = { field = "area", type = "nominal", title = "Area" },
  },
}

return M
