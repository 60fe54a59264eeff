-- Area chart: filled areas under lines, one per colour series; stacked by
-- default when there is a colour, optionally normalized to 100 %.
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local draw_util = require "charts.shared.draw"
local reduce = require "charts.shared.reduce"
local style = require "layout.style"

local M = {
  name = "area",
  mark = "area", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  options = { stacked = "boolean", normalize = "boolean", interpolate = "boolean" },
}

-- Fill opacity: stacked areas do not overlap, so they can be more opaque.
M.ALPHA_STACKED = 0.75
M.ALPHA_OVERLAP = 0.35

M.sample = {
  type = "area",
  title = "Energy mix",
  subtitle = "Electricity generation by source, TWh",
  data = { values = {
    { year = "2018", twh = 62.1, source = "Wind" }, { year = "2018", twh = 21.3, source = "Solar" },
    { year = "2018", twh = 48.0, source = "Gas" },
    { year = "2019", twh = 68.5, source = "Wind" }, { year = "2019", twh = 25.9, source = "Solar" },
    { year = "2019", twh = 45.2, source = "Gas" },
    { year = "2020", twh = 74.8, source = "Wind" }, { year = "2020", twh = 31.6, source = "Solar" },
    { year = "2020", twh = 40.7, source = "Gas" },
    { year = "2021", twh = 71.2, source = "Wind" }, { year = "2021", twh = 38.4, source = "Solar" },
    { year = "2021", twh = 43.9, source = "Gas" },
    { year = "2022", twh = 80.3, source = "Wind" }, { year = "2022", twh = 47.1, source = "Solar" },
    { year = "2022", twh = 37.5, source = "Gas" },
    { year = "2023", twh = 88.6, source = "Wind" }, { year = "2023", twh = 55.8, source = "Solar" },
    { year = "2023", twh = 31.2, source = "Gas" },
  } },
  encoding = {
    x = { field = "year", type = "temporal", title = "Year" },
    y = { field = "twh", type = "quantitative", title = "Generation (TWh)" },
    color = { field = "source", type = "nominal", title = "Source" },
  },
}

-- Pure geometry: per series, polygons (top edge left→right, then the base
-- right→left) split at gaps, and the top edges as runs for the outline. A series
-- with many more points than pixel columns keeps those charts.shared.reduce picks
-- for its top or its base (res: pixel columns per unit).
function M.geometry(model, plot, xdom, ydom, res)
  local ypos = axes.linear(ydom, plot)
  local n = #model.keys
  local a, b, keys = reduce.key_affine(model, plot, xdom, axes.band)
  local xpos
  local out = {}
  for si, s in ipairs(model.series) do
    local polys, tops, cur = {}, {}, nil
    local function add(x, i)
      if not cur then cur = { top = {}, base = {} }; polys[#polys + 1] = cur end
      cur.top[#cur.top + 1] = { x, ypos(s.y1[i]) }
      cur.base[#cur.base + 1] = { x, ypos(s.y0[i]) }
    end
    local kept, total = reduce.m4(n, plot, res or 1, a, b, keys, s.y1, s.missing, s.y0)
    local drawn = 0
    if kept then
      for _, i in ipairs(kept) do
        if i == 0 then cur = nil else add(a + b * (keys and keys[i] or i), i); drawn = drawn + 1 end
      end
    else
      xpos = xpos or axes.key_positions(model, plot, xdom)
      total = 0
      for i = 1, n do
        if s.y1[i] ~= nil then
          add(xpos[i], i)
          total = total + 1
        elseif s.missing[i] then
          cur = nil
        end
      end
      drawn = total
    end
    local shapes = {}
    for _, p in ipairs(polys) do
      local pts = {}
      for _, q in ipairs(p.top) do pts[#pts + 1] = q end
      for j = #p.base, 1, -1 do pts[#pts + 1] = p.base[j] end
      shapes[#shapes + 1] = pts
      tops[#tops + 1] = p.top
    end
    out[si] = { polygons = shapes, tops = tops, total = total, drawn = drawn }
  end
  return out
end

-- variant (for charts built on this one, e.g. streamgraph): { offset =
-- function(model) that moves the stacks' y0/y1 and sets y_min/y_max }; the
-- areas are then always stacked and the value axis need not include zero.
function M.layout(spec, theme, box, variant)
  local opts = spec.options or {}
  variant = variant or {}
  local has_color = spec.encoding.color and spec.encoding.color.field ~= nil
  local stacked = opts.stacked
  if stacked == nil then stacked = has_color end
  if variant.offset then stacked = true end
  local model = series.build(spec, { stacked = stacked, normalize = opts.normalize, gaps = true,
    zero_fill = stacked or opts.normalize })
  -- Missing values are gaps; options.interpolate draws straight across them instead (and
  -- the alt text says how many were filled in).
  if opts.interpolate then
    model.interpolated = series.interpolate(model)
    series.stack(model)
  end
  if variant.offset then variant.offset(model) end
  local domain = { math.min(0, model.y_min or 0), math.max(0, model.y_max or 1) }
  if variant.offset then domain = { model.y_min or 0, model.y_max or 1 } end
  if domain[1] == domain[2] then domain[2] = domain[1] + 1 end
  local legend = axes.legend(model, spec, theme, "square")
  local f = axes.frame(spec, theme, box, {
    key = axes.key_axis(model, spec),
    value = { scale_kind = "linear", domain = domain, title = spec.encoding.y.title,
      format = model.normalized and "percent" or spec.encoding.y.format, zero = not variant.offset,
      magnitude = variant.offset ~= nil, integer = axes.whole(model) },
    legend = legend,
    empty = #model.keys == 0,
  })
  local xdom = axes.key_domain(f, model)
  local ydom = axes.value_domain(f, false, domain)
  local geo = M.geometry(model, f.plot, xdom, ydom, reduce.resolution(spec))
  local colors = axes.colors(model, theme, spec)
  local points, drawn = 0, 0
  for si, g in ipairs(geo) do
    g.color = colors[si]
    points, drawn = points + g.total, drawn + g.drawn
  end
  return {
    frame = f, model = model, series = geo, empty = #model.keys == 0, drawing = reduce.drawing(points, drawn),
    alpha = (model.stacked or model.normalized) and M.ALPHA_STACKED or M.ALPHA_OVERLAP,
  }
end

function M.draw(canvas, layout, theme)
  axes.draw_background(canvas, layout.frame, theme)
  local p = layout.frame.plot
  canvas:save()
  canvas:rect(p.x, p.y, p.width, p.height)
  canvas:clip()
  local a = math.floor(layout.alpha * 255 + 0.5)
  for si, g in ipairs(layout.series) do
    canvas:new_path()
    for _, poly in ipairs(g.polygons) do
      canvas:move_to(poly[1][1], poly[1][2])
      for i = 2, #poly do canvas:line_to(poly[i][1], poly[i][2]) end
      canvas:close_path()
    end
    canvas:set_color(g.color .. ("%02x"):format(a))
    canvas:fill_preserve()
    style.hatch(canvas, style.pattern(theme, si), g.color, p.x, p.y, p.width, p.height)
  end
  canvas:set_line_width(theme.line_width or 2)
  canvas:set_line_join("round")
  for si, g in ipairs(layout.series) do
    canvas:new_path()
    draw_util.polylines(canvas, g.tops)
    canvas:set_color(g.color)
    style.set_dash(canvas, style.dash(theme, si), theme.line_width or 2)
    canvas:stroke()
    canvas:set_dash({})
    -- A run of one x has no area to fill: mark it so the value still shows.
    for _, run in ipairs(g.tops) do
      if #run == 1 then draw_util.points(canvas, run, theme.point_radius or 3, g.color, theme.background) end
    end
  end
  canvas:restore()
  axes.draw_axes(canvas, layout.frame, theme)
  if layout.empty then axes.no_data(canvas, layout.frame, theme) end
end

function M.describe(spec, layout)
  local text = describe.sentence("Area", spec, layout.model)
  local trend = describe.trend(spec, layout.model)
  if trend then text = text .. " " .. trend end
  local filled = layout.model.interpolated or 0
  if filled > 0 then
    text = text .. (" %d missing value%s drawn on a straight line between %s neighbours."):format(filled,
      filled == 1 and " is" or "s are", filled == 1 and "its" or "their")
  end
  return text
end

-- data_summary: x key, colour series and aggregated y (before stacking).
M.summary = require("charts.shared.summary").series

return M
