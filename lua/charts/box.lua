-- Box plot (Tukey): per group the quartiles, whiskers to the most extreme
-- values within 1.5 IQR of the box, and every value beyond them as a point.
local color = require "layout.color"
local describe = require "charts.shared.describe"
local frame = require "layout.frame"
local transform = require "data.transform"
local errors = require "util.errors"
local shared_values = require "charts.shared.values"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "box",
  mark = "box", -- the role of its marks in the scene
  encodings = { required = { "y" }, optional = { "x" } },
  options = { horizontal = "boolean" },
}

M.WHISKER = 1.5

-- M.stats(values) → { n, q1, median, q3, iqr, low, high, min, max, outliers = {sorted} } | nil.
-- low/high are the whisker ends: the most extreme values inside the fences
-- q1 - 1.5 IQR and q3 + 1.5 IQR (quartiles by transform.quartiles, type 7).
function M.stats(values)
  local q1, med, q3 = transform.quartiles(values)
  if not q1 then return nil end
  local iqr = q3 - q1
  local lo_fence, hi_fence = q1 - M.WHISKER * iqr, q3 + M.WHISKER * iqr
  local low, high, mn, mx
  local outliers = {}
  for _, v in ipairs(values) do
    if mn == nil or v < mn then mn = v end
    if mx == nil or v > mx then mx = v end
    if v < lo_fence or v > hi_fence then
      outliers[#outliers + 1] = v
    else
      if low == nil or v < low then low = v end
      if high == nil or v > high then high = v end
    end
  end
  table.sort(outliers)
  return { n = #values, q1 = q1, median = med, q3 = q3, iqr = iqr, low = low, high = high,
    min = mn, max = mx, outliers = outliers }
end

-- Groups in first-seen order (x.sort may reorder them); one group when x is absent.
local function groups(spec)
  local df, enc = spec.data, spec.encoding
  local ycol = shared_values.measure(spec, "y", "box plots")
  local xenc = enc.x
  local xcol = xenc and xenc.field and df.columns[xenc.field]
  local by, list = {}, {}
  for i = 1, df.nrows do
    local v = ycol[i]
    if v ~= nil then
      local k = xcol and xcol[i]
      if xcol and k == nil then k = "(missing)" end
      if k == nil then k = enc.y.title or enc.y.field end
      local g = by[k]
      if not g then
        g = { key = k, values = {} }
        by[k] = g
        list[#list + 1] = g
      end
      g.values[#g.values + 1] = v
    end
  end
  local sort = xenc and xenc.sort
  if type(sort) == "table" then
    local rank = {}
    for i, v in ipairs(sort) do rank[tostring(v)] = i end
    for i, g in ipairs(list) do g.i = i end
    table.sort(list, function(a, b)
      local ra, rb = rank[tostring(a.key)] or math.huge, rank[tostring(b.key)] or math.huge
      if ra ~= rb then return ra < rb end
      return a.i < b.i
    end)
  elseif sort == "ascending" or sort == "descending" or sort == "x" or sort == "-x" then
    transform.sort(list, "key", (sort == "descending" or sort == "-x") and "descending" or "ascending")
  elseif sort == "y" or sort == "-y" then
    for _, g in ipairs(list) do g.med = select(2, transform.quartiles(g.values)) end
    transform.sort(list, "med", sort == "-y" and "descending" or "ascending")
  end
  return list
end

local function label_of(k)
  if type(k) == "number" then return describe.number_text(k) end
  return tostring(k)
end

function M.layout(spec, theme, box)
  local horizontal = spec.options.horizontal == true
  local list = groups(spec)
  if #list == 0 then
    error(errors.new("invalid_data", "encoding.y.field", string.format(
      "no numbers to summarize; column %q has no values", spec.encoding.y.field)))
  end
  local lo, hi
  local labels = {}
  for i, g in ipairs(list) do
    g.stats = M.stats(g.values)
    g.label = label_of(g.key)
    labels[i] = g.label
    if lo == nil or g.stats.min < lo then lo = g.stats.min end
    if hi == nil or g.stats.max > hi then hi = g.stats.max end
  end
  local xenc, yenc = spec.encoding.x, spec.encoding.y
  local cat = { scale_kind = "band", domain = labels, title = xenc and xenc.title or nil }
  local val = { scale_kind = (yenc.scale and yenc.scale.type == "log") and "log" or "linear",
    domain = { lo, hi }, title = yenc.title, format = yenc.format }
  local f
  if horizontal then
    f = frame.layout(spec, theme, box, { x = val, y = cat, horizontal = true })
  else
    f = frame.layout(spec, theme, box, { x = cat, y = val })
  end
  local cscale = horizontal and f.y.scale or f.x.scale
  local vscale = horizontal and f.x.scale or f.y.scale
  local band = cscale.bandwidth and cscale:bandwidth() or cscale.band
  local fill = color.palette(theme, 1)[1]
  local boxes = {}
  for i, g in ipairs(list) do
    local s = g.stats
    local c0 = cscale(g.label)
    local width = math.min(band * 0.5, 80)
    local mid = c0 + band / 2
    local b = {
      label = g.label, stats = s, center = mid, width = width, cap = width / 2,
      q1 = vscale(s.q1), median = vscale(s.median), q3 = vscale(s.q3),
      low = vscale(s.low), high = vscale(s.high), outliers = {},
    }
    for j, v in ipairs(s.outliers) do b.outliers[j] = vscale(v) end
    boxes[i] = b
  end
  return { frame = f, boxes = boxes, horizontal = horizontal, color = fill,
    radius = theme.point_radius, groups = list }
end

-- Box coordinates are (category position, value position); horizontal swaps them.
function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local hz = layout.horizontal
  local function pt(cpos, vpos)
    if hz then return vpos, cpos end
    return cpos, vpos
  end
  local function line(c1, v1, c2, v2)
    local x1, y1 = pt(c1, v1)
    local x2, y2 = pt(c2, v2)
    c:move_to(x1, y1)
    c:line_to(x2, y2)
  end
  c:set_line_cap("butt")
  for _, b in ipairs(layout.boxes) do
    local half = b.width / 2
    -- Whiskers and caps first, so the box covers the whisker's end.
    c:new_path()
    line(b.center, b.q1, b.center, b.low)
    line(b.center, b.q3, b.center, b.high)
    line(b.center - b.cap / 2, b.low, b.center + b.cap / 2, b.low)
    line(b.center - b.cap / 2, b.high, b.center + b.cap / 2, b.high)
    c:set_color(theme.foreground)
    c:set_line_width(1.25)
    c:stroke()

    local x1, y1 = pt(b.center - half, b.q1)
    local x2, y2 = pt(b.center + half, b.q3)
    c:new_path()
    c:rect(math.min(x1, x2), math.min(y1, y2), math.abs(x2 - x1), math.abs(y2 - y1))
    c:set_color(layout.color)
    c:fill_preserve()
    c:set_color(theme.foreground)
    c:set_line_width(1.25)
    c:stroke()

    c:new_path()
    line(b.center - half, b.median, b.center + half, b.median)
    c:set_color(theme.background)
    c:set_line_width(2.5)
    c:stroke()

    -- Outliers as hollow circles so stacked ones stay countable.
    c:new_path()
    for _, v in ipairs(b.outliers) do
      local x, y = pt(b.center, v)
      c:move_to(x + layout.radius, y)
      c:arc(x, y, layout.radius, 0, 2 * math.pi)
      c:close_path()
    end
    c:set_color(theme.foreground)
    c:set_line_width(1.25)
    c:stroke()
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local what = spec.encoding.y.title or "values"
  local n_out = 0
  for _, g in ipairs(layout.groups) do n_out = n_out + #g.stats.outliers end
  local num = describe.number_text
  local out_text = n_out == 0 and "no outliers" or (n_out == 1 and "1 outlier" or n_out .. " outliers")
  if #layout.groups == 1 then
    local s = layout.groups[1].stats
    return string.format("Box plot of %s for %s value%s: median %s, middle half from %s to %s; %s.",
      what, num(s.n), s.n == 1 and "" or "s", num(s.median), num(s.q1), num(s.q3), out_text)
  end
  local lo, hi = layout.groups[1], layout.groups[1]
  for _, g in ipairs(layout.groups) do
    if g.stats.median < lo.stats.median then lo = g end
    if g.stats.median > hi.stats.median then hi = g end
  end
  return string.format("Box plot of %s by %s for %d groups: medians range from %s (%s) to %s (%s); %s.",
    what, spec.encoding.x.title or "group", #layout.groups, lo.label, num(lo.stats.median), hi.label,
    num(hi.stats.median), out_text)
end

M.sample = {
  type = "box",
  title = "Delivery times by carrier",
  subtitle = "Days from order to doorstep",
  data = { values = (function()
    -- A fixed pseudo-random sample (LCG) so the gallery never changes.
    local rows, rnd = {}, sample_rng.lcg(7)
    local carriers = { { "Postal", 4.5, 1.2 }, { "Express", 2.0, 0.6 }, { "Freight", 6.5, 1.8 },
      { "Courier", 3.2, 0.9 } }
    for _, cr in ipairs(carriers) do
      for _ = 1, 40 do
        -- Sum of uniforms ≈ normal; a few long tails make outliers.
        local z = rnd() + rnd() + rnd() + rnd() - 2
        local v = cr[2] + z * cr[3] * 1.7
        if rnd() < 0.05 then v = v + cr[3] * 4 end
        rows[#rows + 1] = { carrier = cr[1], days = math.floor(math.max(0.5, v) * 10 + 0.5) / 10 }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "carrier", type = "nominal", title = "Carrier" },
    y = { field = "days", type = "quantitative", title = "Delivery time (days)" },
  },
}

-- data_summary: the five numbers of every box (min/max include outliers).
function M.summary(spec, layout)
  local x = spec.encoding.x
  local rows = {}
  for i, g in ipairs(layout.groups) do
    local s = g.stats
    rows[i] = { g.key, s.min, s.q1, s.median, s.q3, s.max }
  end
  return require("charts.shared.summary").table(
    { x and x.field or "group", "min", "q1", "median", "q3", "max" }, rows)
end

return M
