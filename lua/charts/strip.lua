-- Strip (jitter) plot: every value as a dot in its category's column, spread
-- sideways by a deterministic jitter (seeded by spec.seed) so equal values
-- stay visible and the same spec always draws the same image.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local frame = require "layout.frame"
local groups = require "charts.shared.groups"
local scatter = require "charts.scatter"
local transform = require "data.transform"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "strip",
  mark = "point", -- the role of its marks in the scene
  encodings = { required = { "y" }, optional = { "x" } },
  -- jitter: share of the band the dots spread over (0 = a single line).
  options = { jitter = "number" },
}

M.JITTER = 0.7
M.DEFAULT_SEED = 1

M.sample = {
  type = "strip",
  title = "Reaction times by condition",
  subtitle = "Milliseconds, 45 trials per condition",
  seed = 42,
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(23)
    for _, c in ipairs({ { "Control", 420, 45 }, { "Caffeine", 385, 40 }, { "Sleep-deprived", 495, 70 } }) do
      for _ = 1, 45 do
        local z = rnd() + rnd() + rnd() - 1.5
        rows[#rows + 1] = { condition = c[1], ms = math.floor(c[2] + z * c[3] * 2 + 0.5) }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "condition", type = "nominal", title = "Condition" },
    y = { field = "ms", type = "quantitative", title = "Reaction time (ms)" },
  },
}

-- A Park–Miller generator: the same seed gives the same jitter on every
-- machine (math.random's sequence is not specified across Lua builds).
function M.generator(seed)
  local s = (math.tointeger(seed) or M.DEFAULT_SEED) % 2147483647
  if s <= 0 then s = s + 2147483646 end
  return function()
    s = s * 16807 % 2147483647
    return s / 2147483647
  end
end

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  local jitter = math.max(0, math.min(1, opts.jitter or M.JITTER))
  local list = groups.split(spec, "y", "x")
  local labels = {}
  local lo, hi = math.huge, -math.huge
  for i, g in ipairs(list) do
    labels[i] = g.label
    for _, v in ipairs(g.values) do lo, hi = math.min(lo, v), math.max(hi, v) end
  end
  local empty = #list == 0
  if empty then lo, hi = 0, 1 end
  local xenc, yenc = spec.encoding.x, spec.encoding.y
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = "band", domain = labels, title = xenc and xenc.title },
    y = { scale_kind = (yenc.scale and yenc.scale.type == "log") and "log" or "linear", domain = { lo, hi },
      title = yenc.title, format = yenc.format },
  })
  local sx, sy = f.x.scale, f.y.scale
  local band = sx:bandwidth()
  local rnd = M.generator(spec.seed)
  local pal = color.palette(theme, math.max(1, #list))
  local n = 0
  for i, g in ipairs(list) do
    local c0 = sx(g.label) + band / 2
    local pts = {}
    for _, v in ipairs(g.values) do
      local y = sy(v)
      if y then pts[#pts + 1] = { c0 + (rnd() - 0.5) * jitter * band, y } end
      n = n + (y and 1 or 0)
    end
    g.points, g.center, g.color = pts, c0, #list > 1 and pal[i] or pal[1]
  end
  -- Dots shrink and fade as they multiply, like the scatter plot's.
  return { frame = f, groups = list, band = band, empty = empty, count = n,
    radius = scatter.radius(n, theme.point_radius), alpha = scatter.alpha(n) }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local r = layout.radius
  for _, g in ipairs(layout.groups) do
    c:new_path()
    for k, q in ipairs(g.points) do
      c:move_to(q[1] + r, q[2])
      c:arc(q[1], q[2], r, 0, 2 * math.pi)
      if k % 256 == 0 then
        c:set_color(color.alpha(g.color, layout.alpha))
        c:fill()
      end
    end
    c:set_color(color.alpha(g.color, layout.alpha))
    c:fill()
  end
  frame.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  local y = spec.encoding.y
  local what = y.title or y.field
  local num = describe.number_text
  if #layout.groups == 0 then return ("Strip plot of %s with no data."):format(what) end
  local meds = {}
  for i, g in ipairs(layout.groups) do meds[i] = { label = g.label, med = transform.aggregate(g.values, "median") } end
  if #meds == 1 then
    local g = layout.groups[1]
    return ("Strip plot of %s: %s values from %s to %s, median %s."):format(what, num(#g.values),
      num(transform.aggregate(g.values, "min")), num(transform.aggregate(g.values, "max")), num(meds[1].med))
  end
  transform.sort(meds, "med", "ascending")
  local xname = spec.encoding.x.title or spec.encoding.x.field
  return ("Strip plot of %s by %s: %s values in %d groups; medians range from %s (%s) to %s (%s)."):format(what,
    xname, num(layout.count), #layout.groups, meds[1].label, num(meds[1].med), meds[#meds].label, num(meds[#meds].med))
end

return M
