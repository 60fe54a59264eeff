-- Bar chart: one band per x key, vertical or horizontal; several colour
-- series are grouped side by side, stacked, or stacked to 100 %.
local format = require "layout.format"
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local draw_util = require "charts.shared.draw"
local interval = require "charts.shared.interval"
local style = require "layout.style"

local M = {
  name = "bar",
  mark = "bar", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  -- interval: error bars of each group's spread around its mean (not on stacked bars).
  options = { stacked = "boolean", horizontal = "boolean", normalize = "boolean", labels = "boolean",
    interval = interval.KINDS },
}

-- Data labels only when every bar leaves this much room around its text.
M.LABEL_MARGIN = 4

M.sample = {
  type = "bar",
  title = "Revenue by month",
  subtitle = "2024, thousands of EUR",
  data = { values = {
    { month = "2024-01", revenue = 120.5, region = "EU" }, { month = "2024-01", revenue = 98.0, region = "US" },
    { month = "2024-02", revenue = 132.0, region = "EU" }, { month = "2024-02", revenue = 101.5, region = "US" },
    { month = "2024-03", revenue = 141.2, region = "EU" }, { month = "2024-03", revenue = 117.9, region = "US" },
    { month = "2024-04", revenue = 128.4, region = "EU" }, { month = "2024-04", revenue = 125.0, region = "US" },
    { month = "2024-05", revenue = 150.3, region = "EU" }, { month = "2024-05", revenue = 131.7, region = "US" },
    { month = "2024-06", revenue = 162.8, region = "EU" }, { month = "2024-06", revenue = 140.2, region = "US" },
  } },
  encoding = {
    x = { field = "month", type = "temporal", timeUnit = "yearmonth", title = "Month" },
    y = { field = "revenue", type = "quantitative", aggregate = "sum", title = "Revenue (kEUR)" },
    color = { field = "region", type = "nominal", title = "Region" },
  },
  options = { stacked = true },
}

-- The value domain drawn: always includes zero, since bar length encodes value.
function M.value_domain(model)
  if model.normalized then return { math.min(0, model.y_min or 0), math.max(0, model.y_max or 100) } end
  local lo, hi = math.min(0, model.y_min or 0), math.max(0, model.y_max or 0)
  if lo == hi then hi = lo + 1 end
  return { lo, hi }
end

-- Pure geometry: bars in canvas coordinates for a model inside `plot`,
-- with the value axis spanning `domain` {lo, hi} (or given as the frame's
-- value → pixel function).
-- → { {x=, y=, w=, h=, series=, index=, value=, round = "top"|"bottom"|"left"|"right"|nil}, ... }
function M.geometry(model, plot, domain, opts)
  opts = opts or {}
  local horizontal = opts.horizontal
  local n, ns = #model.keys, #model.series
  local vpos = axes.linear(domain, plot, horizontal)
  local grouped = ns > 1 and not (model.stacked or model.normalized)
  -- The outermost segment of each stack gets the rounded end.
  local outer_pos, outer_neg = {}, {}
  for si, s in ipairs(model.series) do
    for i = 1, n do
      local v = s.y1[i]
      if v ~= nil then
        if v > s.y0[i] then outer_pos[i] = si elseif v < s.y0[i] then outer_neg[i] = si end
      end
    end
  end
  local bars = {}
  local band_len = horizontal and plot.height or plot.width
  local band_start = horizontal and plot.y or plot.x
  for si, s in ipairs(model.series) do
    for i = 1, n do
      local y0, y1 = s.y0[i], s.y1[i]
      if y1 ~= nil then
        local b0, bw = axes.band(i, n, band_start, band_len)
        if grouped then
          bw = bw / ns
          b0 = b0 + bw * (si - 1)
        end
        local p0, p1 = vpos(y0), vpos(y1)
        local positive = y1 >= y0
        local round
        if (grouped or not model.stacked and not model.normalized) or
          (positive and outer_pos[i] == si) or (not positive and outer_neg[i] == si) then
          if horizontal then round = positive and "right" or "left"
          else round = positive and "top" or "bottom" end
        end
        local bar = { series = si, index = i, value = s.values[i], round = round }
        if horizontal then
          bar.x, bar.w = math.min(p0, p1), math.abs(p1 - p0)
          bar.y, bar.h = b0, bw
        else
          bar.y, bar.h = math.min(p0, p1), math.abs(p1 - p0)
          bar.x, bar.w = b0, bw
        end
        bars[#bars + 1] = bar
      end
    end
  end
  return bars
end

-- Error bars (pure): one per bar whose series has an interval at its key, in
-- the middle of the bar across the value axis. → { {c=, a=, b=, cap=, series=} }
-- c is the bar's centre along the band axis, a..b the interval in pixels.
function M.error_bars(model, bars, domain, plot, horizontal)
  local vpos = axes.linear(domain, plot, horizontal)
  local out = {}
  for _, b in ipairs(bars) do
    local s = model.series[b.series]
    local lo = s.lo and s.lo[b.index]
    if lo ~= nil then
      local c = horizontal and b.y + b.h / 2 or b.x + b.w / 2
      local width = horizontal and b.h or b.w
      out[#out + 1] = { c = c, a = vpos(lo), b = vpos(s.hi[b.index]), cap = math.max(2, math.min(6, width / 4)),
        series = b.series }
    end
  end
  return out
end

-- Data labels: shown when asked (options.labels), or by default for one
-- unstacked series of at most 24 bars; only where the text fits the bar.
local function place_labels(bars, model, spec, theme, horizontal, plot)
  local want = spec.options.labels
  if want == nil then want = #model.series == 1 and #bars <= 24 end
  if not want then return {} end
  local measure = require("layout.text").measure
  local font = { family = theme.font, size = theme.font_sizes.label }
  local labels = {}
  local inside = model.stacked or model.normalized
  -- One precision for every label: the least that tells the values apart (format.for_values).
  local function shown(b)
    if not model.normalized then return b.value end
    local s = model.series[b.series]
    return s.y1[b.index] - s.y0[b.index]
  end
  local values = {}
  for i, b in ipairs(bars) do values[i] = shown(b) end
  -- theme.label_values: the other cells' label values in small multiples
  -- the unit of the axis format: values in percent points (normalized bars, a column written as
  -- "58%": format "percent"), money ("$," for a column written as "$1,200")
  local yfmt = spec.encoding.y.format
  local suffix = (model.normalized or yfmt == "percent") and "%" or ""
  local prefix = type(yfmt) == "string" and yfmt:sub(1, 1) == "$" and (theme.number or {}).currency or nil
  local fmt = format.for_values(values, { number = theme.number, with = theme.label_values, prefix = prefix })
  for _, b in ipairs(bars) do
    local v = b.value
    if v ~= nil then
      local text = fmt(shown(b)) .. suffix
      local tw, th = measure(text, font)
      local m = M.LABEL_MARGIN
      local function centre() return { x = b.x + b.w / 2, y = b.y + b.h / 2, align = "center", inside = true } end
      local label
      -- Beside the bar's end when there is room in the plot, else just
      -- inside that end; stacked segments carry theirs in the middle.
      if horizontal then
        if th + m <= b.h then
          if inside then
            if tw + 2 * m <= b.w then label = centre() end
          elseif v >= 0 and b.x + b.w + m + tw <= plot.x + plot.width then
            label = { x = b.x + b.w + m, y = b.y + b.h / 2, align = "left" }
          elseif v < 0 and b.x - m - tw >= plot.x then
            label = { x = b.x - m, y = b.y + b.h / 2, align = "right" }
          elseif tw + 2 * m <= b.w then
            label = { x = v >= 0 and b.x + b.w - m or b.x + m, y = b.y + b.h / 2, align = v >= 0 and "right" or "left",
              inside = true }
          end
        end
      elseif tw + m <= b.w then
        if inside then
          if th + 2 * m <= b.h then label = centre() end
        elseif v >= 0 and b.y - m - th >= plot.y then
          label = { x = b.x + b.w / 2, y = b.y - m - th / 2, align = "center" }
        elseif v < 0 and b.y + b.h + m + th <= plot.y + plot.height then
          label = { x = b.x + b.w / 2, y = b.y + b.h + m + th / 2, align = "center" }
        elseif th + 2 * m <= b.h then
          label = { x = b.x + b.w / 2, y = v >= 0 and b.y + m + th / 2 or b.y + b.h - m - th / 2, align = "center",
            inside = true }
        end
      end
      if label then
        label.text = text
        label.value = shown(b)
        label.series = b.series
        labels[#labels + 1] = label
      end
    end
  end
  return labels
end

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  local swapped
  spec, swapped = series.oriented(interval.mean_spec(spec))
  local model = series.build(spec, { band = true, stacked = opts.stacked, normalize = opts.normalize,
    gaps = true })
  interval.attach(spec, model)
  local horizontal = (opts.horizontal or swapped) and true or false
  local domain = M.value_domain(model)
  local legend = axes.legend(model, spec, theme, "square")
  local f = axes.frame(spec, theme, box, {
    key = axes.key_axis(model, spec),
    value = { scale_kind = "linear", domain = domain, title = spec.encoding.y.title,
      format = model.normalized and "percent" or spec.encoding.y.format, zero = true, integer = axes.whole(model) },
    legend = legend,
    horizontal = horizontal,
    empty = #model.keys == 0,
  })
  local vdomain = axes.value_domain(f, horizontal, domain)
  local bars = M.geometry(model, f.plot, vdomain, { horizontal = horizontal })
  local colors = axes.colors(model, theme, spec)
  for _, b in ipairs(bars) do b.color = colors[b.series] end
  local errs = M.error_bars(model, bars, vdomain, f.plot, horizontal)
  return {
    error_bars = errs,
    frame = f, model = model, bars = bars, horizontal = horizontal, domain = vdomain,
    -- Labels beside the bar end would sit under the error bar's cap.
    labels = #errs == 0 and place_labels(bars, model, spec, theme, horizontal, f.plot) or {},
    radius = theme.bar_radius or 0,
    colors = colors,
    empty = #bars == 0,
  }
end

function M.draw(canvas, layout, theme)
  axes.draw_background(canvas, layout.frame, theme)
  canvas:save()
  local p = layout.frame.plot
  canvas:rect(p.x, p.y, p.width, p.height)
  canvas:clip()
  -- Stacked segments get a hairline in the background colour between them,
  -- so touching segments of similar colours stay apart.
  local stacked = layout.model.stacked or layout.model.normalized
  local rec, model = canvas:recording(), layout.model
  canvas:set_line_width(1)
  for _, b in ipairs(layout.bars) do
    if rec then
      canvas:begin_item("mark", "bar", { x = model.keys[b.index], series = model.series[b.series].name,
        value = b.value })
    end
    draw_util.bar(canvas, b, layout.radius)
    canvas:set_color(b.color)
    canvas:fill_preserve()
    -- A theme with fill patterns (print) hatches each series its own way.
    local pat = style.pattern(theme, b.series)
    if pat then
      style.hatch(canvas, pat, b.color, b.x, b.y, b.w, b.h)
      draw_util.bar(canvas, b, layout.radius)
      canvas:set_line_width(1)
    end
    if stacked then
      canvas:set_color(theme.background)
      canvas:stroke()
    else
      canvas:new_path()
    end
  end
  canvas:end_item()
  -- Error bars in the foreground colour: they cross the bar's own fill.
  if #layout.error_bars > 0 then
    canvas:new_path()
    for _, e in ipairs(layout.error_bars) do
      interval.error_bar(canvas, e.c, e.a, e.b, e.cap, layout.horizontal)
    end
    canvas:set_color(theme.foreground)
    canvas:set_line_width(1.5)
    canvas:stroke()
  end
  canvas:restore()
  local font = { family = theme.font, size = theme.font_sizes.label }
  for _, l in ipairs(layout.labels) do
    local col = theme.foreground
    if l.inside then col = draw_util.text_on(layout.colors[l.series]) end
    canvas:text(l.text, l.x, l.y, { font = font, color = col, align = l.align, valign = "middle",
      role = "data-label", value = l.value })
  end
  axes.draw_axes(canvas, layout.frame, theme)
  if layout.empty then axes.no_data(canvas, layout.frame, theme) end
end

function M.describe(spec, layout)
  return describe.sentence("Bar", (series.oriented(interval.mean_spec(spec))), layout.model) ..
    interval.sentence("Error bars", layout.model.interval)
end

-- data_summary: x key, colour series and aggregated y of every bar.
M.summary = require("charts.shared.summary").series

return M
