-- Violin plot: per group a mirrored kernel density (charts.shared.kde) of the
-- values, with the quartile box and a median dot inside. Every violin uses
-- the same density → width scale, so wider means more concentrated, and
-- areas are equal (each density integrates to 1).
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local frame = require "layout.frame"
local groups = require "charts.shared.groups"
local kde = require "charts.shared.kde"
local simplify = require "layout.simplify"
local transform = require "data.transform"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "violin",
  mark = "area", -- the role of its marks in the scene
  encodings = { required = { "y" }, optional = { "x" } },
  options = { bandwidth = "number" },
}

-- The widest violin takes this share of its band.
M.WIDTH = 0.9
-- Points per half outline: one per PX_PER_POINT device pixels of the chart's
-- height, within GRID_MIN..kde.GRID. Segments of a few pixels along a smooth
-- curve look the same as the 200 of a density chart, for a fraction of the
-- kernel sums and of the edges cairo fills and strokes (the bulk of a violin).
M.PX_PER_POINT = 8
M.GRID_MIN = 48
M.FILL_ALPHA = 0.55

M.sample = {
  type = "violin",
  title = "Tips by day",
  subtitle = "Restaurant tips, USD, 240 bills",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(29)
    for _, d in ipairs({ { "Thu", 2.7, 1.0, 62 }, { "Fri", 2.8, 0.9, 19 }, { "Sat", 3.0, 1.5, 87 },
      { "Sun", 3.3, 1.2, 72 } }) do
      for _ = 1, d[4] do
        local z = rnd() + rnd() + rnd() - 1.5
        local v = d[2] + z * d[3] * 2 + (rnd() < 0.08 and rnd() * 4 or 0)
        rows[#rows + 1] = { day = d[1], tip = math.floor(math.max(1, v) * 4 + 0.5) / 4 }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "day", type = "ordinal", title = "Day" },
    y = { field = "tip", type = "quantitative", title = "Tip (USD)" },
  },
}

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  if opts.bandwidth and opts.bandwidth <= 0 then
    error(errors.new("invalid_spec", "options.bandwidth", "must be greater than 0"))
  end
  local list = groups.split(spec, "y", "x")
  if #list == 0 then
    error(errors.new("invalid_data", "encoding.y.field", ("no numbers to draw; column %q has no values")
      :format(spec.encoding.y.field)))
  end
  local lo, hi, peak = math.huge, -math.huge, 0
  local labels = {}
  local grid = math.max(M.GRID_MIN, math.min(kde.GRID, math.ceil(box.height * (spec.scale or 1) / M.PX_PER_POINT)))
  for i, g in ipairs(list) do
    labels[i] = g.label
    g.curve = kde.estimate(g.values, { bandwidth = opts.bandwidth, grid = grid })
    g.q1, g.median, g.q3 = transform.quartiles(g.values)
    lo, hi = math.min(lo, g.curve.lo), math.max(hi, g.curve.hi)
    peak = math.max(peak, g.curve.peak)
  end
  local xenc, yenc = spec.encoding.x, spec.encoding.y
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = "band", domain = labels, title = xenc and xenc.title },
    y = { scale_kind = "linear", domain = { lo, hi }, title = yenc.title, format = yenc.format },
  })
  local sx, sy = f.x.scale, f.y.scale
  local band = sx:bandwidth()
  local half = band * M.WIDTH / 2
  local fill = color.palette(theme, 1)[1]
  for _, g in ipairs(list) do
    local c0 = sx(g.label) + band / 2
    -- The right half, simplified on either side of its widest point (kept, so the widest
    -- violin fills its width exactly), then mirrored: both halves share their points.
    local before, after, widest = {}, {}, 1
    local cv = g.curve
    for j = 2, #cv.ys do if cv.ys[j] > cv.ys[widest] then widest = j end end
    for j = 1, #cv.xs do
      local w = peak > 0 and cv.ys[j] / peak * half or 0
      local p = { c0 + w, sy(cv.xs[j]) }
      if j <= widest then before[#before + 1] = p end
      if j >= widest then after[#after + 1] = p end
    end
    local outline = simplify.points(before)
    local rest = simplify.points(after)
    for j = 2, #rest do outline[#outline + 1] = rest[j] end
    for j = #outline, 1, -1 do outline[#outline + 1] = { 2 * c0 - outline[j][1], outline[j][2] } end
    g.outline, g.center = outline, c0
    local bw = math.max(3, math.min(band * 0.05, 10))
    g.box = { x = c0 - bw / 2, width = bw,
      y = sy(g.q3), height = sy(g.q1) - sy(g.q3) }
    g.median_y = sy(g.median)
  end
  return { frame = f, groups = list, color = fill, half = half, peak = peak }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.frame.plot
  c:save()
  c:rect(p.x, p.y, p.width, p.height)
  c:clip()
  for _, g in ipairs(layout.groups) do
    c:new_path()
    c:move_to(g.outline[1][1], g.outline[1][2])
    for j = 2, #g.outline do c:line_to(g.outline[j][1], g.outline[j][2]) end
    c:close_path()
    c:set_color(color.alpha(layout.color, M.FILL_ALPHA))
    c:fill_preserve()
    c:set_color(layout.color)
    c:set_line_width(1.25)
    c:stroke()
    -- The middle half as a dark bar, the median as a dot in the background colour.
    c:new_path()
    c:rect(g.box.x, g.box.y, g.box.width, g.box.height)
    c:set_color(theme.foreground)
    c:fill()
    c:new_path()
    c:arc(g.center, g.median_y, math.max(1.5, g.box.width * 0.35), 0, 2 * math.pi)
    c:set_color(theme.background)
    c:fill()
  end
  c:restore()
  axes.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local y = spec.encoding.y
  local what = y.title or y.field
  local num = describe.number_text
  local list = layout.groups
  if #list == 1 then
    local g = list[1]
    return ("Violin plot of %s for %s values: median %s, middle half from %s to %s; most common near %s."):format(
      what, num(#g.values), num(g.median), num(g.q1), num(g.q3), num(kde.mode(g.curve)))
  end
  local lo, hi = list[1], list[1]
  for _, g in ipairs(list) do
    if g.median < lo.median then lo = g end
    if g.median > hi.median then hi = g end
  end
  local xname = spec.encoding.x.title or spec.encoding.x.field
  return ("Violin plot of %s by %s for %d groups: medians range from %s (%s) to %s (%s)."):format(what, xname,
    #list, lo.label, num(lo.median), hi.label, num(hi.median))
end

return M
