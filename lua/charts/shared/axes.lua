-- Glue between the series charts and layout.frame: frame options from a
-- series model, the frame's final (nice) domains back as numbers, and the
-- x positions of the model's keys inside the plot.
local frame = require "layout.frame"
local timeunit = require "data.timeunit"
local color = require "layout.color"
local style = require "layout.style"
local format = require "layout.format"
local ticks = require "layout.ticks"
local describe = require "charts.shared.describe"

local M = {}

-- Band padding as a fraction of a band's step (Vega's defaults): the gap
-- between bands and at both ends of the axis.
M.PADDING_INNER = 0.2
M.PADDING_OUTER = 0.1

-- Where band i (1-based) of n starts along an axis of length `len` from
-- `start`, and the band's width and step.
function M.band(i, n, start, len)
  local step = len / (n - M.PADDING_INNER + 2 * M.PADDING_OUTER)
  local width = step * (1 - M.PADDING_INNER)
  return start + step * M.PADDING_OUTER + step * (i - 1), width, step
end

-- Short labels for periods: "Jan", "Q2", "Jan 15". When every key falls in one year, the
-- year is said once (returned, for the axis title); else on the first label of each year.
local SHORT = { month = "%b", quarter = "Q%q", day = "%b %e", week = "%b %e" }
local WITH_YEAR = { month = "%b %Y", quarter = "Q%q %Y", day = "%b %e, %Y", week = "%b %e, %Y" }

local function one_year(keys)
  local year
  for _, k in ipairs(keys) do
    if type(k) ~= "number" then return nil end
    local y = format.strftime(k, "%Y")
    if year and y ~= year then return nil end
    year = y
  end
  return #keys > 1 and year or nil
end

-- The band axis' labels (dates at their period, others as text), and the year they all
-- share when the labels leave it out.
function M.key_labels(model, spec)
  local out = {}
  local temporal = spec.encoding.x.type == "temporal"
  local grain = temporal and describe.grain(spec)
  local shared = temporal and SHORT[grain] and one_year(model.keys) or nil
  local prev_year = shared
  for i, k in ipairs(model.keys) do
    local unit = spec.encoding.x.timeUnit
    if temporal and type(k) == "number" and unit and timeunit.cyclic(unit) then out[i] = timeunit.label(k, unit)
    elseif temporal and type(k) == "number" and SHORT[grain] then
      local year = format.strftime(k, "%Y")
      out[i] = format.strftime(k, year ~= prev_year and WITH_YEAR[grain] or SHORT[grain])
      prev_year = year
    elseif temporal and type(k) == "number" then out[i] = format.date(k, grain)
    else out[i] = describe.key_text(k, spec) end
  end
  return out, shared
end

-- An axis title with the year its labels leave out: "Month (2024)".
function M.with_year(title, year)
  if not year then return title end
  if title and title ~= "" then return ("%s (%s)"):format(title, year) end
  return year
end

-- The frame axis options for the model's x keys.
function M.key_axis(model, spec)
  local title = spec.encoding.x.title
  if model.x_kind == "band" then
    local labels, year = M.key_labels(model, spec)
    return { scale_kind = "band", domain = labels, title = M.with_year(title, year) }
  end
  local lo, hi = model.keys[1], model.keys[#model.keys]
  if lo == nil then lo, hi = 0, 1 end
  if lo == hi then
    -- One x value: give the axis some width around it.
    local pad = model.x_kind == "time" and 86400 or (lo ~= 0 and math.abs(lo) * 0.1 or 1)
    lo, hi = lo - pad, hi + pad
  end
  return { scale_kind = model.x_kind, domain = { lo, hi }, title = title, nice = false,
    grain = model.x_kind == "time" and describe.grain(spec) or nil }
end

-- Legend items for the colour series (none without a colour field).
function M.legend(model, spec, theme, shape)
  if not (spec.encoding.color and spec.encoding.color.field) then return nil end
  local colors = M.colors(model, theme, spec)
  local items = {}
  for i, s in ipairs(model.series) do
    items[i] = { label = tostring(s.name), color = colors[i], shape = shape,
      dash = style.dash(theme, i), pattern = style.pattern(theme, i), marker = style.marker(theme, i) }
  end
  return { title = spec.encoding.color.title, items = items }
end

-- One colour per series: encoding.color's scale.range or scheme when given, else the
-- theme's palette (layout.color.categorical).
function M.colors(model, theme, spec)
  return color.categorical(spec and spec.encoding.color, theme, math.max(1, #model.series))
end

-- Whether every plotted value of the model is a whole number (counts, sums of counts):
-- its value axis then gets whole-number ticks, never 0.5 steps.
function M.whole(model)
  if model.normalized then return false end
  for _, s in ipairs(model.series) do
    if not ticks.whole(s.values, #model.keys) then return false end
  end
  return true
end

-- frame.layout for a series chart: args.key is the x keys' axis, args.value
-- the measure's; with args.horizontal the key axis is drawn vertically.
function M.frame(spec, theme, box, args)
  return frame.layout(spec, theme, box, {
    x = args.key, y = args.value, legend = args.legend, horizontal = args.horizontal,
  })
end

-- The numeric domain an axis of the laid-out frame ended with (ticks may
-- have widened it to nice values), or `fallback`.
local function axis_domain(a, fallback)
  if a and a.domain and type(a.domain[1]) == "number" then return { a.domain[1], a.domain[2] } end
  if a and a.scale and type(a.scale.domain) == "table" and type(a.scale.domain[1]) == "number" then
    return { a.scale.domain[1], a.scale.domain[2] }
  end
  return fallback
end

function M.value_domain(f, _, fallback)
  return axis_domain(f.y, fallback)
end

function M.key_domain(f, model)
  if model.x_kind == "band" then return nil end
  return axis_domain(f.x, { model.keys[1] or 0, model.keys[#model.keys] or 1 })
end

-- value → pixel along the plot's vertical axis (or horizontal one) for a
-- domain {lo, hi}; a function (the frame's own scale) is returned as is.
-- A {lo, hi} domain's start and span (1 for a flat one) as M.linear maps it: the vertical
-- position of v is plot.y + (1 - (v - lo) / span) * plot.height (columns.points computes it so).
function M.linear_span(domain)
  local lo, span = domain[1], domain[2] - domain[1]
  if span == 0 then span = 1 end
  return lo, span
end

function M.linear(domain, plot, horizontal)
  if type(domain) == "function" then return domain end
  local lo, span = M.linear_span(domain)
  if horizontal then return function(v) return plot.x + (v - lo) / span * plot.width end end
  return function(v) return plot.y + (1 - (v - lo) / span) * plot.height end
end

-- x pixel of every key: band centres, or the key mapped over xdom ({lo, hi}
-- or the frame's scale function).
function M.key_positions(model, plot, xdom)
  local out, n = {}, #model.keys
  if model.x_kind == "band" then
    for i = 1, n do
      local b0, bw = M.band(i, n, plot.x, plot.width)
      out[i] = b0 + bw / 2
    end
    return out
  end
  if type(xdom) == "function" then
    for i = 1, n do out[i] = xdom(model.keys[i]) end
    return out
  end
  local lo, span = xdom[1], xdom[2] - xdom[1]
  for i = 1, n do
    out[i] = span ~= 0 and plot.x + (model.keys[i] - lo) / span * plot.width or plot.x + plot.width / 2
  end
  return out
end

function M.draw_background(canvas, f, theme) frame.draw_background(canvas, f, theme) end
function M.draw_axes(canvas, f, theme) frame.draw_axes(canvas, f, theme) end

-- The colour scale's ends: an explicit encoding.color.scale.domain of two
-- numbers replaces the data's extent (small multiples share one this way).
function M.color_domain(enc, lo, hi)
  local d = enc and enc.scale and enc.scale.domain
  if type(d) == "table" and type(d[1]) == "number" and type(d[2]) == "number" and d[1] <= d[2] then
    return d[1], d[2]
  end
  return lo, hi
end

-- A short note (e.g. "No data") in the middle of the plot.
function M.note(canvas, f, theme, text)
  local p = f.plot
  canvas:text(text, p.x + p.width / 2, p.y + p.height / 2, {
    font = { family = theme.font, size = theme.font_sizes.note }, color = theme.muted,
    align = "center", valign = "middle", role = "note" })
end

function M.no_data(canvas, f, theme) M.note(canvas, f, theme, "No data") end

return M
