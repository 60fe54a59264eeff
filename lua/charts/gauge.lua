-- Gauge: a single value (theta, summed over the rows unless theta.aggregate
-- says otherwise) on a half-circle dial from options.min to options.max,
-- with optional qualitative bands (options.bands: thresholds) and a target
-- mark (options.target). The needle points at the value, clamped to the dial.
local color = require "layout.color"
local frame = require "layout.frame"
local format = require "layout.format"
local ticks = require "layout.ticks"
local text = require "layout.text"
local errors = require "util.errors"
local values = require "charts.shared.values"
local describe = require "charts.shared.describe"

local M = {
  name = "gauge",
  mark = "arc", -- the role of its marks in the scene
  encodings = { required = { "theta" }, optional = {} },
  options = { min = "number", max = "number", target = "number", bands = "array" },
}

M.TRACK = 0.22 -- the dial's thickness as a share of its radius

-- Canvas angle (radians, clockwise from 3 o'clock) of value v on a dial
-- from lo (9 o'clock) over 12 o'clock to hi (3 o'clock), clamped.
function M.angle(v, lo, hi)
  local t = hi > lo and (v - lo) / (hi - lo) or 0
  t = math.max(0, math.min(1, t))
  return math.pi + t * math.pi
end

local function bad(path, msg) error(errors.new("invalid_spec", path, msg)) end

-- The value shown and the dial's range.
function M.model(spec)
  local enc = spec.encoding.theta
  local col = values.measure(spec, "theta", "gauges", { allow_count = true })
  local vals = { n = spec.data.nrows }
  for i = 1, spec.data.nrows do if col then vals[i] = col[i] else vals[i] = true end end -- bare count: every row
  local value = require("data.transform").aggregate(vals, enc.aggregate or "sum")
  if value == nil or (enc.aggregate == nil and spec.data.nrows == 0) then
    error(errors.new("invalid_data", "encoding.theta.field", string.format("a gauge needs a number in %q", enc.field)))
  end
  local o = spec.options
  local lo = o.min or math.min(0, value)
  local hi = o.max
  if hi == nil then
    local top = math.max(value, o.target or value, lo)
    hi = ticks.nice(lo, top > lo and top or lo + 1, 5).max
  end
  if hi <= lo then bad("options.max", string.format("must be greater than options.min (%s), got %s",
    describe.number_text(lo), describe.number_text(hi))) end
  local bands = {}
  if o.bands then
    local prev = lo
    for i, b in ipairs(o.bands) do
      if type(b) ~= "number" or b <= prev or b >= hi then
        bad(("options.bands[%d]"):format(i - 1), string.format(
          "thresholds must be increasing numbers between min %s and max %s, got %s", describe.number_text(lo),
          describe.number_text(hi), tostring(b)))
      end
      prev = b
    end
    local edges = { lo }
    for _, b in ipairs(o.bands) do edges[#edges + 1] = b end
    edges[#edges + 1] = hi
    for i = 1, #edges - 1 do bands[i] = { from = edges[i], to = edges[i + 1] } end
  end
  return { value = value, min = lo, max = hi, target = o.target, bands = bands }
end

function M.layout(spec, theme, box)
  local m = M.model(spec)
  local f = frame.layout_simple(spec, theme, box, nil)
  local p = f.plot
  local tfont = text.font(theme, "tick")
  local lh = text.line_height(tfont)
  local tk = ticks.nice(m.min, m.max, 5)
  local fmt = format.from_spec(spec.encoding.theta.format, tk.step, { number = theme.number })
    or format.ticker(tk.step, { number = theme.number, max = math.max(math.abs(m.min), math.abs(m.max)) })
  local big = { family = theme.font, size = math.max(theme.font_sizes.title, 14), weight = "bold" }
  local value_text = fmt(m.value)
  if m.value ~= math.floor(m.value) and value_text == fmt(math.floor(m.value)) then
    value_text = describe.number_text(m.value)
  end
  local vh = text.line_height(big)
  local maxlw = 0
  local labels = {}
  for _, v in ipairs(tk) do
    if v >= m.min and v <= m.max then
      local s = fmt(v)
      labels[#labels + 1] = { value = v, text = s }
      maxlw = math.max(maxlw, text.width(s, tfont))
    end
  end
  -- The dial is a half circle: 2R wide (plus tick labels), R high (plus labels above, the value below).
  local r = math.max(10, math.min(p.width / 2 - maxlw - 8, p.height - lh - 8 - vh - 10))
  local cx, cy = p.x + p.width / 2, p.y + lh + 8 + r + (p.height - (lh + 8 + r + vh + 10)) / 2
  local track = r * M.TRACK
  for _, l in ipairs(labels) do
    local a = M.angle(l.value, m.min, m.max)
    local ca, sa = math.cos(a), math.sin(a)
    l.x, l.y = cx + (r + 6) * ca, cy + (r + 6) * sa
    l.align = math.abs(ca) < 0.3 and "center" or (ca > 0 and "left" or "right")
    l.valign = math.abs(ca) < 0.3 and "bottom" or (sa > -0.3 and "bottom" or "middle")
  end
  local band_colors = {}
  for i = 1, #m.bands do
    -- Few's qualitative bands: shades of one grey, darker for the lower (worse) ones.
    band_colors[i] = color.mix(theme.muted, theme.grid, #m.bands > 1 and 0.35 + 0.65 * (i - 1) / (#m.bands - 1) or 1)
    m.bands[i].a0, m.bands[i].a1 = M.angle(m.bands[i].from, m.min, m.max), M.angle(m.bands[i].to, m.min, m.max)
    m.bands[i].color = band_colors[i]
  end
  return {
    frame = f, model = m, cx = cx, cy = cy, r = r, track = track, labels = labels, tick_font = tfont,
    needle = M.angle(m.value, m.min, m.max), value_angle = M.angle(m.value, m.min, m.max),
    target_angle = m.target and M.angle(m.target, m.min, m.max) or nil,
    value = m.value, value_text = value_text, value_font = big, value_y = cy + 10, fill = theme.palette[1],
  }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local cx, cy, r, tr = layout.cx, layout.cy, layout.r, layout.track
  local m = layout.model
  local function arc(a0, a1, r0, r1, fill)
    c:new_path()
    c:arc(cx, cy, r1, a0, a1)
    c:arc_negative(cx, cy, r0, a1, a0)
    c:close_path()
    c:set_color(fill)
    c:fill()
  end
  if #m.bands > 0 then
    for _, b in ipairs(m.bands) do arc(b.a0, b.a1, r - tr, r, b.color) end
  else
    arc(math.pi, 2 * math.pi, r - tr, r, theme.grid)
  end
  -- The value as a bar inside the track, then the needle over it.
  arc(math.pi, layout.value_angle, r - tr * 0.72, r - tr * 0.28, layout.fill)
  if layout.target_angle then
    local a = layout.target_angle
    c:new_path()
    c:move_to(cx + (r - tr - 4) * math.cos(a), cy + (r - tr - 4) * math.sin(a))
    c:line_to(cx + (r + 4) * math.cos(a), cy + (r + 4) * math.sin(a))
    c:set_color(theme.foreground)
    c:set_line_width(3)
    c:stroke()
  end
  local a = layout.needle
  local len = r - tr * 0.5
  c:new_path()
  c:move_to(cx + len * math.cos(a), cy + len * math.sin(a))
  c:line_to(cx + 5 * math.cos(a + math.pi / 2), cy + 5 * math.sin(a + math.pi / 2))
  c:line_to(cx + 5 * math.cos(a - math.pi / 2), cy + 5 * math.sin(a - math.pi / 2))
  c:close_path()
  c:set_color(theme.foreground)
  c:fill()
  c:new_path()
  c:arc(cx, cy, 7, 0, 2 * math.pi)
  c:fill()
  for _, l in ipairs(layout.labels) do
    c:text(l.text, l.x, l.y, { font = layout.tick_font, color = theme.muted, align = l.align, valign = l.valign,
      role = "tick-label", value = l.value })
  end
  c:text(layout.value_text, cx, layout.value_y, { font = layout.value_font, color = theme.foreground,
    align = "center", valign = "top", role = "data-label", value = layout.value })
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local m = layout.model
  local num = describe.number_text
  local s = string.format("Gauge of %s: %s on a scale from %s to %s (%s of the range).",
    spec.encoding.theta.title or "the value", num(m.value), num(m.min), num(m.max),
    require("charts.pie").percent_text((m.value - m.min) / (m.max - m.min)))
  if m.target then
    local verb = m.value >= m.target and "meets" or "is below"
    s = s .. string.format(" It %s the target of %s.", verb, num(m.target))
  end
  return s
end

M.sample = {
  type = "gauge",
  title = "Customer satisfaction",
  subtitle = "Net promoter score, Q2",
  data = { values = { { nps = 47 } } },
  encoding = { theta = { field = "nps", type = "quantitative", title = "NPS" } },
  options = { min = -100, max = 100, target = 50, bands = { 0, 30 } },
}

return M
