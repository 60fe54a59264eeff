-- Rose (polar area, Nightingale) chart: one equal-angle wedge per x
-- category; a colour field stacks wedges outwards. The radius grows with the
-- square root of the (stacked) value, so a wedge's area, not its radius, is
-- proportional to the value it shows.
local frame = require "layout.frame"
local format = require "layout.format"
local ticks = require "layout.ticks"
local text = require "layout.text"
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"

local TAU = 2 * math.pi
local TOP = -math.pi / 2

local M = {
  name = "rose",
  mark = "slice", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  options = {},
}

M.GAP = 0.012 -- radians left between neighbouring wedges

-- Radius of value v when the largest stack `max` reaches radius R.
function M.radius(v, max, R)
  if max <= 0 then return 0 end
  return R * math.sqrt(math.max(0, v) / max)
end

function M.layout(spec, theme, box)
  values.nonnegative(spec, "y", "rose wedges")
  local model = series.build(spec, { band = true, stacked = true })
  local n = #model.keys
  local legend = axes.legend(model, spec, theme, "square")
  local f = frame.layout_simple(spec, theme, box, legend)
  local lfont = text.font(theme, "tick")
  local labels = axes.key_labels(model, spec)
  local maxw, lh = 0, text.line_height(lfont)
  for _, l in ipairs(labels) do maxw = math.max(maxw, text.width(l, lfont)) end
  local p = f.plot
  local mx = math.min(maxw + 10, p.width * 0.25)
  local R = math.max(10, math.min(p.width / 2 - mx, p.height / 2 - lh - 8))
  local cx, cy = p.x + p.width / 2, p.y + p.height / 2
  local max = 0
  for _, s in ipairs(model.series) do
    for i = 1, n do if s.y1[i] then max = math.max(max, s.y1[i]) end end
  end
  local colors = axes.colors(model, theme, spec)
  local wedges, spokes = {}, {}
  local gap = n > 1 and M.GAP or 0
  for i = 1, n do
    -- Centred on its direction: the first key (N) straddles 12 o'clock, E sits at 3.
    local a0, a1 = TOP + TAU * (i - 1.5) / n, TOP + TAU * (i - 0.5) / n
    local am = (a0 + a1) / 2
    local ca, sa = math.cos(am), math.sin(am)
    local align = math.abs(ca) < 0.2 and "center" or (ca > 0 and "left" or "right")
    local valign = math.abs(ca) < 0.2 and (sa < 0 and "bottom" or "top") or "middle"
    local x = cx + (R + 6) * ca
    -- As long as the room to the plot's edge on its side allows (a wide plot leaves more).
    local room = align == "left" and p.x + p.width - x or (align == "right" and x - p.x or p.width)
    local label = text.shorten(labels[i], lfont, math.min(room, math.max(mx + R * 0.2, room * 0.5)))
    spokes[i] = { label = label, x = x, y = cy + (R + 6) * sa, align = align, valign = valign,
      width = text.width(label, lfont), height = lh }
    for si, s in ipairs(model.series) do
      if s.y1[i] and s.y1[i] > s.y0[i] then
        wedges[#wedges + 1] = { a0 = a0 + gap / 2, a1 = a1 - gap / 2, r0 = M.radius(s.y0[i], max, R),
          r1 = M.radius(s.y1[i], max, R), value = s.values[i], index = i, series = si, color = colors[si] }
      end
    end
  end
  local hidden = frame.thin_around(spokes)
  -- Ring values go up the first spoke, from the outermost in; one that would sit on a
  -- spoke's name or on a ring value already kept (rings too close together) is left out.
  local rfont = { family = theme.font, size = theme.font_sizes.label }
  local rings, kept = {}, {}
  if max > 0 then
    local tk = ticks.nice(0, max, 4)
    local fmt = format.ticker(tk.step, { number = theme.number, max = max })
    for i = #tk, 1, -1 do
      local v = tk[i]
      local label = fmt(v)
      local box = { x = cx + 3, y = cy - M.radius(v, max, R), width = text.width(label, rfont),
        height = text.line_height(rfont), align = "left", valign = "bottom" }
      if v > 0 and v <= max and not frame.overlaps_any(box, spokes) and not frame.overlaps_any(box, kept) then
        table.insert(rings, 1, { value = v, r = M.radius(v, max, R), label = label })
        kept[#kept + 1] = box
      end
    end
  end
  return { frame = f, model = model, cx = cx, cy = cy, r = R, max = max, wedges = wedges, spokes = spokes,
    rings = rings, label_font = lfont, labels = labels, hidden = hidden }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local cx, cy = layout.cx, layout.cy
  c:set_line_width(1)
  for _, ring in ipairs(layout.rings) do
    c:new_path()
    c:arc(cx, cy, ring.r, 0, TAU)
    c:set_color(theme.grid)
    c:stroke()
  end
  for _, w in ipairs(layout.wedges) do
    c:new_path()
    c:arc(cx, cy, w.r1, w.a0, w.a1)
    if w.r0 > 0 then c:arc_negative(cx, cy, w.r0, w.a1, w.a0) else c:line_to(cx, cy) end
    c:close_path()
    c:set_color(w.color)
    c:fill_preserve()
    c:set_color(theme.background)
    c:set_line_width(1)
    c:stroke()
  end
  local tfont = { family = theme.font, size = theme.font_sizes.label }
  for _, ring in ipairs(layout.rings) do
    c:text(ring.label, cx + 3, cy - ring.r, { font = tfont, color = theme.muted, valign = "bottom",
      role = "tick-label", value = ring.value })
  end
  for _, s in ipairs(layout.spokes) do
    if s.show then
      c:text(s.label, s.x, s.y, { font = layout.label_font, color = theme.foreground, align = s.align,
        valign = s.valign, role = "tick-label" })
    end
  end
  c:record_thinned("x", layout.hidden)
  if #layout.wedges == 0 then axes.no_data(c, layout.frame, theme) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local model = layout.model
  local totals = {}
  for i = 1, #model.keys do
    local t = 0
    for _, s in ipairs(model.series) do t = t + (s.values[i] or 0) end
    totals[i] = t
  end
  local head = string.format("Rose chart of %s by %s, %d wedges (area shows the value)", describe.measure(spec),
    (spec.encoding.x.title or "category"):lower(), #model.keys)
  if #totals == 0 then return head .. "; no data." end
  local hi, lo = 1, 1
  for i, t in ipairs(totals) do
    if t > totals[hi] then hi = i end
    if t < totals[lo] then lo = i end
  end
  return string.format("%s. Largest: %s (%s); smallest: %s (%s).", head, layout.labels[hi],
    describe.number_text(totals[hi]), layout.labels[lo], describe.number_text(totals[lo]))
end

M.sample = {
  type = "rose",
  title = "Wind direction frequency",
  subtitle = "Hours per direction and wind speed, January",
  data = { values = (function()
    local dirs = { "N", "NE", "E", "SE", "S", "SW", "W", "NW" }
    local base = { 42, 30, 22, 35, 58, 96, 120, 71 }
    local rows = {}
    for i, d in ipairs(dirs) do
      rows[#rows + 1] = { direction = d, speed = "0–5 m/s", hours = math.floor(base[i] * 0.5) }
      rows[#rows + 1] = { direction = d, speed = "5–10 m/s", hours = math.floor(base[i] * 0.35) }
      rows[#rows + 1] = { direction = d, speed = "> 10 m/s", hours = math.floor(base[i] * 0.15) }
    end
    return rows
  end)() },
  encoding = {
    x = { field = "direction", type = "nominal", title = "Direction" },
    y = { field = "hours", type = "quantitative", aggregate = "sum", title = "Hours" },
    color = { field = "speed", type = "nominal", title = "Wind speed" },
  },
}

return M
