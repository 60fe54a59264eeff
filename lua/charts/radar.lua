-- Radar (spider) chart: one spoke per x category, one closed polygon per
-- colour series; a vertex's distance from the centre is its y value on a
-- shared linear scale from zero, with nice rings as the grid.
local canvas = require "chartd.canvas"
local color = require "layout.color"
local frame = require "layout.frame"
local format = require "layout.format"
local ticks = require "layout.ticks"
local errors = require "util.errors"
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"

local TAU = 2 * math.pi
local TOP = -math.pi / 2

local M = {
  name = "radar",
  mark = "area", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  options = { filled = "boolean" },
}

M.MIN_SPOKES = 3
M.RINGS = 4

-- The angle of spoke i of n: the first points up, the rest follow clockwise.
function M.angle(i, n) return TOP + TAU * (i - 1) / n end

function M.layout(spec, theme, box)
  local model = series.build(spec, { band = true })
  local n = #model.keys
  if n < M.MIN_SPOKES then
    error(errors.new("invalid_data", "encoding.x.field", string.format(
      "a radar chart needs at least %d categories in %q; the data has %d", M.MIN_SPOKES,
      spec.encoding.x.field, n)))
  end
  for _, s in ipairs(model.series) do
    for i = 1, n do
      local v = s.values[i]
      if v and v < 0 then
        error(errors.new("invalid_data", "encoding.y.field", string.format(
          "a radar chart needs values ≥ 0 (the centre is zero); %s has %s", describe.key_text(model.keys[i], spec),
          describe.number_text(v))))
      end
    end
  end
  local legend = axes.legend(model, spec, theme, "square")
  local f = frame.layout_simple(spec, theme, box, legend)
  local tk = ticks.nice(0, math.max(model.y_max or 1, 1e-9), M.RINGS)
  local max = tk.max
  local fmt = format.from_spec(spec.encoding.y.format, tk.step, { number = theme.number })
    or format.ticker(tk.step, { number = theme.number, max = max })
  local lfont = { family = theme.font, size = theme.font_sizes.tick }
  local labels = axes.key_labels(model, spec)
  -- Room for the spoke labels: the widest label beside, one line above and below.
  local maxw, lh = 0, 0
  for _, l in ipairs(labels) do
    local w, h = canvas.measure_text(l, { font = lfont })
    maxw, lh = math.max(maxw, w), math.max(lh, h)
  end
  local p = f.plot
  local mx = math.min(maxw + 10, p.width * 0.25)
  local r = math.max(10, math.min(p.width / 2 - mx, p.height / 2 - lh - 8))
  local cx, cy = p.x + p.width / 2, p.y + p.height / 2
  local spokes = {}
  for i = 1, n do
    local a = M.angle(i, n)
    local ca, sa = math.cos(a), math.sin(a)
    local align = math.abs(ca) < 0.2 and "center" or (ca > 0 and "left" or "right")
    local valign = math.abs(ca) < 0.2 and (sa < 0 and "bottom" or "top") or "middle"
    local text = require("layout.text").shorten(labels[i], lfont, mx + r * 0.2)
    local w, h = canvas.measure_text(text, { font = lfont })
    spokes[i] = { angle = a, x = cx + r * ca, y = cy + r * sa, label = text,
      lx = cx + (r + 6) * ca, ly = cy + (r + 6) * sa, align = align, valign = valign }
    spokes[i].box = { x = spokes[i].lx, y = spokes[i].ly, width = w, height = h, align = align, valign = valign }
  end
  local boxes = {}
  for i, s in ipairs(spokes) do boxes[i] = s.box end
  local hidden = frame.thin_around(boxes)
  -- Ring values go up the first spoke, from the outermost in; one that would sit on a
  -- spoke's name or on a ring value already kept (rings too close together) is left out.
  local rfont = { family = theme.font, size = theme.font_sizes.label }
  local rings, kept = {}, {}
  for i = #tk, 1, -1 do
    local v = tk[i]
    if v > 0 then
      local label = fmt(v)
      local w, h = canvas.measure_text(label, { font = rfont })
      local box = { x = cx + 3, y = cy - r * v / max, width = w, height = h, align = "left", valign = "bottom" }
      if not frame.overlaps_any(box, boxes) and not frame.overlaps_any(box, kept) then
        table.insert(rings, 1, { value = v, r = r * v / max, label = label })
        kept[#kept + 1] = box
      end
    end
  end
  local colors = axes.colors(model, theme, spec)
  local polys = {}
  for si, s in ipairs(model.series) do
    local pts = {}
    for i = 1, n do
      local v = s.values[i]
      if v ~= nil then
        local rr = r * v / max
        pts[#pts + 1] = { cx + rr * math.cos(spokes[i].angle), cy + rr * math.sin(spokes[i].angle), r = rr,
          index = i, value = v }
      end
    end
    polys[si] = { points = pts, color = colors[si], name = s.name }
  end
  return { frame = f, model = model, cx = cx, cy = cy, r = r, max = max, spokes = spokes, rings = rings,
    polys = polys, label_font = lfont, filled = spec.options.filled ~= false, hidden = hidden }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local cx, cy = layout.cx, layout.cy
  local n = #layout.spokes
  c:set_line_width(1)
  c:set_color(theme.grid)
  for _, ring in ipairs(layout.rings) do
    c:new_path()
    for i, s in ipairs(layout.spokes) do
      local x, y = cx + ring.r * math.cos(s.angle), cy + ring.r * math.sin(s.angle)
      if i == 1 then c:move_to(x, y) else c:line_to(x, y) end
    end
    c:close_path()
    c:stroke()
  end
  c:new_path()
  for _, s in ipairs(layout.spokes) do c:move_to(cx, cy); c:line_to(s.x, s.y) end
  c:set_color(theme.axis or theme.muted)
  c:stroke()
  for _, poly in ipairs(layout.polys) do
    if #poly.points >= 2 then
      c:new_path()
      for i, pt in ipairs(poly.points) do
        if i == 1 then c:move_to(pt[1], pt[2]) else c:line_to(pt[1], pt[2]) end
      end
      c:close_path()
      if layout.filled then
        c:set_color(color.alpha(poly.color, 0.18))
        c:fill_preserve()
      end
      c:set_color(poly.color)
      c:set_line_width(theme.line_width or 2)
      c:set_line_join("round")
      c:stroke()
    end
    for _, pt in ipairs(poly.points) do
      c:new_path()
      c:arc(pt[1], pt[2], (theme.point_radius or 3.5) * 0.8, 0, TAU)
      c:set_color(poly.color)
      c:fill()
    end
  end
  local tfont = { family = theme.font, size = theme.font_sizes.label }
  -- Ring values along the first spoke (straight up), just right of it.
  for _, ring in ipairs(layout.rings) do
    c:text(ring.label, cx + 3, cy - ring.r, { font = tfont, color = theme.muted, valign = "bottom",
      role = "tick-label", value = ring.value })
  end
  for _, s in ipairs(layout.spokes) do
    if s.box.show then
      c:text(s.label, s.lx, s.ly, { font = layout.label_font, color = theme.foreground, align = s.align,
        valign = s.valign, role = "tick-label" })
    end
  end
  c:record_thinned("x", layout.hidden)
  if n == 0 then axes.no_data(c, layout.frame, theme) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local model = layout.model
  local what = describe.measure(spec)
  local head = string.format("Radar chart of %s across %d %s", what, #model.keys,
    (spec.encoding.x.title or "categories"):lower())
  if #model.series > 1 then head = head .. string.format(" for %d series", #model.series) end
  local parts = { head .. "." }
  for i = 1, math.min(3, #layout.polys) do
    local poly = layout.polys[i]
    local hi, lo
    for _, pt in ipairs(poly.points) do
      if not hi or pt.value > hi.value then hi = pt end
      if not lo or pt.value < lo.value then lo = pt end
    end
    if hi then
      parts[#parts + 1] = string.format("%sHighest %s (%s), lowest %s (%s).",
        poly.name and (tostring(poly.name) .. ": ") or "", describe.key_text(model.keys[hi.index], spec),
        describe.number_text(hi.value), describe.key_text(model.keys[lo.index], spec), describe.number_text(lo.value))
    end
  end
  return table.concat(parts, " ")
end

M.sample = {
  type = "radar",
  title = "Laptop comparison",
  subtitle = "Reviewer scores out of 10",
  data = { values = {
    { aspect = "Battery", score = 9.1, model = "Air 13" }, { aspect = "Display", score = 8.2, model = "Air 13" },
    { aspect = "Keyboard", score = 7.5, model = "Air 13" }, { aspect = "Speed", score = 7.8, model = "Air 13" },
    { aspect = "Ports", score = 4.5, model = "Air 13" }, { aspect = "Weight", score = 9.4, model = "Air 13" },
    { aspect = "Battery", score = 6.8, model = "Pro 16" }, { aspect = "Display", score = 9.5, model = "Pro 16" },
    { aspect = "Keyboard", score = 8.4, model = "Pro 16" }, { aspect = "Speed", score = 9.6, model = "Pro 16" },
    { aspect = "Ports", score = 8.1, model = "Pro 16" }, { aspect = "Weight", score = 4.9, model = "Pro 16" },
  } },
  encoding = {
    x = { field = "aspect", type = "nominal", title = "Aspect" },
    y = { field = "score", type = "quantitative", title = "Score" },
    color = { field = "model", type = "nominal", title = "Model" },
  },
}

return M
