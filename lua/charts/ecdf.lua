-- Empirical cumulative distribution: for every x, the share of values at or
-- below it — a step that rises by k/n at a value seen k times. One step line
-- per colour group; no binning or smoothing, so nothing is hidden.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local draw_util = require "charts.shared.draw"
local errors = require "util.errors"
local format = require "layout.format"
local frame = require "layout.frame"
local groups = require "charts.shared.groups"
local transform = require "data.transform"
local line = require "charts.line"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "ecdf",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = { "x" }, optional = { "color" } },
  options = {},
}

M.sample = {
  type = "ecdf",
  title = "Page load time by region",
  subtitle = "Share of page loads finished within a time, 300 samples",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(17)
    local regions = { { "Europe", 0.9, 0.35 }, { "Asia", 1.4, 0.6 }, { "Americas", 1.1, 0.45 } }
    for _, r in ipairs(regions) do
      for _ = 1, 100 do
        local z = rnd() + rnd() + rnd() - 1.5
        rows[#rows + 1] = { region = r[1], seconds = math.floor(math.max(0.15, r[2] + z * r[3] * 2) * 100 + 0.5) / 100 }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "seconds", type = "quantitative", title = "Load time (s)" },
    color = { field = "region", type = "nominal", title = "Region" },
  },
}

-- M.steps(values) → { {x, fraction}, ... } at each distinct value, ascending;
-- fraction = (values ≤ x) / n.
function M.steps(values)
  local xs = {}
  for i, v in ipairs(values) do xs[i] = v end
  table.sort(xs)
  local n, out = #xs, {}
  for i = 1, n do
    if i == n or xs[i + 1] ~= xs[i] then out[#out + 1] = { xs[i], i / n } end
  end
  return out
end

function M.layout(spec, theme, box)
  local x = spec.encoding.x
  if x.type ~= "quantitative" and x.type ~= "temporal" then
    error(errors.new("invalid_spec", "encoding.x.type", ('an ECDF needs a quantitative or temporal field; "%s" is %s')
      :format(x.field, x.type)))
  end
  local list = groups.split(spec, "x", "color", true)
  local lo, hi = math.huge, -math.huge
  for _, g in ipairs(list) do
    g.steps = M.steps(g.values)
    lo, hi = math.min(lo, g.steps[1][1]), math.max(hi, g.steps[#g.steps][1])
  end
  local empty = #list == 0
  if empty then lo, hi = 0, 1 end
  local pal = color.palette(theme, math.max(1, #list))
  local legend
  if spec.encoding.color and spec.encoding.color.field then
    local items = {}
    for i, g in ipairs(list) do items[i] = { label = g.label, color = pal[i], shape = "line" } end
    legend = { title = spec.encoding.color.title, items = items }
  end
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = x.type == "temporal" and "time" or "linear", domain = { lo, hi }, title = x.title,
      format = x.format },
    y = { scale_kind = "linear", domain = { 0, 1 }, nice = false, title = "Share of values at or below",
      format = format.ticker(0.25, { style = "percent", number = theme.number }), ticks = { 0, 0.25, 0.5, 0.75, 1 } },
    legend = legend,
  })
  local sx, sy = f.x.scale, f.y.scale
  local d = f.x.domain
  for i, g in ipairs(list) do
    -- 0 from the axis' left edge to the first value, 1 after the last.
    local pts = { { sx(d[1]), sy(0) }, { sx(g.steps[1][1]), sy(0) } }
    for _, s in ipairs(g.steps) do pts[#pts + 1] = { sx(s[1]), sy(s[2]) } end
    pts[#pts + 1] = { sx(d[2]), sy(1) }
    -- Each value's jump sits at the value itself: the level holds until the next one.
    g.runs = line.step_runs({ pts }, "after")
    g.color = pal[i]
  end
  return { frame = f, groups = list, empty = empty }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.frame.plot
  c:save()
  c:rect(p.x - 2, p.y - 2, p.width + 4, p.height + 4)
  c:clip()
  c:set_line_width(theme.line_width or 2)
  c:set_line_join("miter")
  for _, g in ipairs(layout.groups) do
    c:new_path()
    draw_util.polylines(c, g.runs)
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
  if #layout.groups == 0 then return ("Cumulative distribution (ECDF) of %s with no data."):format(what) end
  local parts = {}
  local function val(v) return describe.key_text(v, spec) end
  for i, g in ipairs(layout.groups) do
    if i > 6 then parts[#parts + 1] = "…"; break end
    local med = transform.quantile(g.values, 0.5)
    local p90 = transform.quantile(g.values, 0.9)
    local who = #layout.groups > 1 and (g.label .. ": ") or ""
    parts[#parts + 1] = ("%shalf at or below %s, 90%% at or below %s"):format(who, val(med), val(p90))
  end
  local n = 0
  for _, g in ipairs(layout.groups) do n = n + #g.values end
  return ("Cumulative distribution (ECDF) of %s from %s values. %s."):format(what, describe.number_text(n),
    table.concat(parts, "; "))
end

return M
