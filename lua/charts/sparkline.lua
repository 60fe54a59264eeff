-- Sparkline: a word-sized line (Tufte) with no axes, title or legend; it
-- works down to 120 × 30. Markers show the minimum, the maximum and the last
-- value; the last value is written at the right end when there is room.
local frame = require "layout.frame"
local text = require "layout.text"
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local reduce = require "charts.shared.reduce"

local M = {
  name = "sparkline",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = {} },
  options = { band = "boolean" },
}

M.PAD = 3          -- around the line, for the markers
M.LABEL_MIN_WIDTH = 160 -- narrower than this, the last value is not written

function M.layout(spec, theme, box)
  local model = series.build(spec, { gaps = true })
  local s = model.series[1]
  local n = #model.keys
  local r = math.max(1.5, math.min(3, box.height / 12))
  local font = { family = theme.font, size = math.max(8, math.min(theme.font_sizes.label, box.height * 0.4)) }
  local count, first, last_i, imin, imax = 0, nil, nil, nil, nil
  if s then count, first, last_i, imin, imax = series.extent(s, n) end
  local label
  local right = box.x + box.width - M.PAD - r
  if last_i and box.width >= M.LABEL_MIN_WIDTH then
    label = { text = describe.number_text(s.values[last_i]), font = font, value = s.values[last_i] }
    label.width = text.width(label.text, font)
    right = right - label.width - 4
    label.x = box.x + box.width - M.PAD
  end
  local plot = { x = box.x + M.PAD + r, y = box.y + M.PAD + r }
  plot.width, plot.height = math.max(1, right - plot.x), math.max(1, box.height - 2 * (M.PAD + r))
  local lo, hi
  if count > 0 then lo, hi = s.values[imin], s.values[imax] end
  if lo == hi and lo ~= nil then lo, hi = lo - 1, hi + 1 end
  local xdom = model.x_kind ~= "band" and { model.keys[1], model.keys[n] } or nil
  if xdom and xdom[1] == xdom[2] then xdom = { xdom[1] - 1, xdom[2] + 1 } end
  local ypos = axes.linear({ lo or 0, hi or 1 }, plot)
  -- Points are placed as charts.shared.axes.key_positions places them, and a long line is
  -- reduced per pixel column as the line chart's is (charts.shared.reduce).
  local a, b, keys = reduce.key_affine(model, plot, xdom, axes.band)
  local function point(i)
    local v = s.values[i]
    return { a + b * (keys and keys[i] or i), ypos(v), value = v, index = i }
  end
  local runs, run, pts, drawn = {}, nil, {}, 0
  local function add(i)
    local pt = point(i)
    pts[i], drawn = pt, drawn + 1
    if not run then run = {}; runs[#runs + 1] = run end
    run[#run + 1] = pt
  end
  local kept = s and reduce.m4(n, plot, reduce.resolution(spec), a, b, keys, s.values, s.missing)
  if kept then
    for _, i in ipairs(kept) do
      if i == 0 then run = nil else add(i) end
    end
  elseif s then
    for i = 1, n do
      if s.values[i] ~= nil then add(i) elseif s.missing[i] then run = nil end
    end
  end
  local ends = count > 0 and { first = point(first), last = point(last_i), min = point(imin), max = point(imax) } or {}
  if label then label.y = ends.last[2] end
  local f = { box = box, grid = false }
  return { frame = f, model = model, plot = plot, runs = runs, points = pts, radius = r, label = label,
    first = ends.first, min = ends.min, max = ends.max, last = ends.last, drawing = reduce.drawing(count, drawn),
    band = spec.options.band and lo and { y0 = ypos(hi), y1 = ypos(lo) } or nil }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.plot
  if layout.band then
    c:new_path()
    c:rect(p.x, layout.band.y0, p.width, layout.band.y1 - layout.band.y0)
    c:set_color(theme.grid)
    c:fill()
  end
  c:new_path()
  for _, run in ipairs(layout.runs) do
    c:move_to(run[1][1], run[1][2])
    for i = 2, #run do c:line_to(run[i][1], run[i][2]) end
  end
  c:set_color(theme.muted)
  c:set_line_width(math.max(1, math.min(theme.line_width or 2, layout.radius * 0.6)))
  c:set_line_join("round")
  c:set_line_cap("round") -- as the line chart's: a long line takes the fast stroke (src/fast_stroke.h)
  c:stroke()
  -- Minimum and maximum in two palette colours, the last point in the foreground colour.
  local marks = { { layout.min, theme.palette[3] or theme.palette[1] }, { layout.max, theme.palette[1] },
    { layout.last, theme.foreground } }
  for _, m in ipairs(marks) do
    if m[1] then
      c:new_path()
      c:arc(m[1][1], m[1][2], layout.radius, 0, 2 * math.pi)
      c:set_color(m[2])
      c:fill()
    end
  end
  if layout.label then
    local l = layout.label
    c:text(l.text, l.x, l.y, { font = l.font, color = theme.foreground, align = "right", valign = "middle",
      role = "data-label", value = l.value })
  end
end

function M.describe(spec, layout)
  local what = describe.measure(spec)
  if not layout.last then return "Sparkline of " .. what .. " with no data." end
  local keys, first = layout.model.keys, layout.first
  local function at(pt) return describe.key_text(keys[pt.index], spec) end
  local num = describe.number_text
  return string.format("Sparkline of %s over %d points, from %s (%s) to %s (%s); low %s (%s), high %s (%s).", what,
    #keys, num(first.value), at(first), num(layout.last.value), at(layout.last), num(layout.min.value),
    at(layout.min), num(layout.max.value), at(layout.max))
end

M.sample = {
  type = "sparkline",
  width = 240, height = 48,
  data = { values = {
    { week = 1, price = 101.2 }, { week = 2, price = 103.5 }, { week = 3, price = 102.1 },
    { week = 4, price = 99.4 }, { week = 5, price = 97.8 }, { week = 6, price = 98.6 },
    { week = 7, price = 101.9 }, { week = 8, price = 104.4 },
    { week = 9, price = 106.0 }, { week = 10, price = 105.1 }, { week = 11, price = 108.3 },
    { week = 12, price = 110.7 }, { week = 13, price = 109.2 }, { week = 14, price = 111.5 },
    { week = 15, price = 113.0 }, { week = 16, price = 112.4 },
  } },
  encoding = {
    x = { field = "week", type = "quantitative", title = "Week" },
    y = { field = "price", type = "quantitative", title = "Price" },
  },
}

return M
