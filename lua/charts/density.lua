-- Density plot: a smooth estimate of a quantitative field's distribution
-- (Gaussian kernel, Silverman's bandwidth, charts.shared.kde), one curve per
-- colour group. Every curve's area is 1, so groups of any size compare by shape.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local frame = require "layout.frame"
local groups = require "charts.shared.groups"
local kde = require "charts.shared.kde"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "density",
  mark = "area", -- the role of its marks in the scene
  encodings = { required = { "x" }, optional = { "color" } },
  -- bandwidth: the kernel's standard deviation in x's units (default: Silverman's rule).
  options = { bandwidth = "number", fill = "boolean" },
}

M.FILL_ALPHA = 0.25

M.sample = {
  type = "density",
  title = "Session length by device",
  subtitle = "Minutes per visit, 600 sessions",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(3)
    local devices = { { "Desktop", 14, 5 }, { "Mobile", 6, 2.5 }, { "Tablet", 10, 4 } }
    for _, d in ipairs(devices) do
      for _ = 1, 200 do
        local z = rnd() + rnd() + rnd() + rnd() - 2
        rows[#rows + 1] = { device = d[1], minutes = math.floor(math.max(0.5, d[2] + z * d[3] * 1.7) * 10 + 0.5) / 10 }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "minutes", type = "quantitative", title = "Session length (minutes)" },
    color = { field = "device", type = "nominal", title = "Device" },
  },
}

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  local x = spec.encoding.x
  if x.type ~= "quantitative" then
    error(errors.new("invalid_spec", "encoding.x.type", ('a density needs a quantitative field; "%s" is %s')
      :format(x.field, x.type)))
  end
  if opts.bandwidth and opts.bandwidth <= 0 then
    error(errors.new("invalid_spec", "options.bandwidth", "must be greater than 0"))
  end
  local list = groups.split(spec, "x", "color")
  local lo, hi, peak = math.huge, -math.huge, 0
  for _, g in ipairs(list) do
    g.curve = kde.estimate(g.values, { bandwidth = opts.bandwidth })
    lo, hi = math.min(lo, g.curve.lo), math.max(hi, g.curve.hi)
    peak = math.max(peak, g.curve.peak)
  end
  local empty = #list == 0
  if empty then lo, hi, peak = 0, 1, 1 end
  local has_color = spec.encoding.color and spec.encoding.color.field
  local pal = color.palette(theme, math.max(1, #list))
  local legend
  if has_color then
    local items = {}
    for i, g in ipairs(list) do items[i] = { label = g.label, color = pal[i], shape = "line" } end
    legend = { title = spec.encoding.color.title, items = items }
  end
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = "linear", domain = { lo, hi }, nice = false, title = x.title, format = x.format },
    -- 5 % headroom so the highest peak is never cut by the plot's top edge.
    y = { scale_kind = "linear", domain = { 0, peak * 1.05 }, zero = true, title = "Density" },
    legend = legend,
  })
  local sx, sy = f.x.scale, f.y.scale
  for i, g in ipairs(list) do
    local pts = {}
    for j = 1, #g.curve.xs do pts[j] = { sx(g.curve.xs[j]), sy(g.curve.ys[j]) } end
    g.points, g.color, g.base = pts, pal[i], sy(0)
  end
  return { frame = f, groups = list, fill = opts.fill ~= false, empty = empty }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.frame.plot
  c:save()
  c:rect(p.x, p.y, p.width, p.height)
  c:clip()
  for _, g in ipairs(layout.groups) do
    local pts = g.points
    if layout.fill then
      c:new_path()
      c:move_to(pts[1][1], g.base)
      for _, q in ipairs(pts) do c:line_to(q[1], q[2]) end
      c:line_to(pts[#pts][1], g.base)
      c:close_path()
      c:set_color(color.alpha(g.color, M.FILL_ALPHA))
      c:fill()
    end
  end
  c:set_line_width(theme.line_width or 2)
  c:set_line_join("round")
  for _, g in ipairs(layout.groups) do
    c:new_path()
    local pts = g.points
    c:move_to(pts[1][1], pts[1][2])
    for j = 2, #pts do c:line_to(pts[j][1], pts[j][2]) end
    c:set_color(g.color)
    c:stroke()
  end
  c:restore()
  frame.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  local x = spec.encoding.x
  local what = x.title or x.field
  local num = describe.number_text
  local list = layout.groups
  if #list == 0 then return ("Density plot of %s with no data."):format(what) end
  local n = 0
  for _, g in ipairs(list) do n = n + g.curve.n end
  local head = ("Density plot of %s from %s value%s (Gaussian kernel)"):format(what, num(n), n == 1 and "" or "s")
  if #list == 1 then
    return ("%s: the most common values are near %s; bandwidth %s."):format(head, num(kde.mode(list[1].curve)),
      num(list[1].curve.bandwidth))
  end
  local parts = {}
  for i, g in ipairs(list) do
    if i > 6 then parts[#parts + 1] = "…"; break end
    parts[#parts + 1] = ("%s near %s"):format(g.label, num(kde.mode(g.curve)))
  end
  return ("%s for %d groups of %s; peaks: %s."):format(head, #list,
    spec.encoding.color.title or spec.encoding.color.field, table.concat(parts, ", "))
end

return M
