-- Line chart: one line per colour series over a temporal, quantitative or
-- ordinal x, sorted by x; a missing y breaks the line; optional point markers.
local series = require "charts.shared.series"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local draw_util = require "charts.shared.draw"
local interval = require "charts.shared.interval"
local style = require "layout.style"
local color = require "layout.color"
local reduce = require "charts.shared.reduce"
local has_columns, columns = pcall(require, "chartd.columns")

local M = {
  name = "line",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  -- interval: a band of the group's spread around the mean (charts.shared.interval).
  options = { points = "boolean", interval = interval.KINDS },
}

-- The reduced line's points computed in C and kept there (columns.path: the same numbers as the
-- Lua loop in geometry, which tests compare by switching this off); canvas:polylines draws the
-- path without a Lua table a point. (A binary without columns.path keeps the Lua loop.)
M.native_path = has_columns and columns.path or nil

-- The rows of a series drawn whole, as columns.path takes kept rows: each row with a value,
-- 0 where a missing one breaks the line (rows with neither are skipped); nil when a value is
-- not a plain number, for the Lua loop to deal with.
function M.every_row(vals, missing, n)
  local rows, k = {}, 0
  for i = 1, n do
    local v = vals[i]
    if v ~= nil then
      if type(v) ~= "number" or v ~= v then return nil end
      k = k + 1
      rows[k] = i
    elseif missing[i] then
      k = k + 1
      rows[k] = 0
    end
  end
  return rows
end

-- Points are drawn by default while a series has at most this many.
M.AUTO_POINTS = 30

M.sample = {
  type = "line",
  title = "Daily active users",
  subtitle = "First half of 2024, thousands",
  data = { values = {
    { month = "2024-01", users = 41.2, platform = "Web" }, { month = "2024-01", users = 28.4, platform = "iOS" },
    { month = "2024-01", users = 19.7, platform = "Android" },
    { month = "2024-02", users = 43.8, platform = "Web" }, { month = "2024-02", users = 30.1, platform = "iOS" },
    { month = "2024-02", users = 22.5, platform = "Android" },
    { month = "2024-03", users = 42.1, platform = "Web" }, { month = "2024-03", users = 33.9, platform = "iOS" },
    { month = "2024-03", users = 26.0, platform = "Android" },
    { month = "2024-04", users = 46.5, platform = "Web" }, { month = "2024-04", users = 35.2, platform = "iOS" },
    { month = "2024-04", users = 29.8, platform = "Android" },
    { month = "2024-05", users = 49.0, platform = "Web" }, { month = "2024-05", users = 38.7, platform = "iOS" },
    { month = "2024-05", users = 34.4, platform = "Android" },
    { month = "2024-06", users = 47.3, platform = "Web" }, { month = "2024-06", users = 41.6, platform = "iOS" },
    { month = "2024-06", users = 39.1, platform = "Android" },
  } },
  encoding = {
    x = { field = "month", type = "temporal", title = "Month" },
    y = { field = "users", type = "quantitative", title = "Daily active users (k)" },
    color = { field = "platform", type = "nominal", title = "Platform" },
  },
}

-- Pure geometry: per series, runs of {x, y} points (a new run after each
-- missing value) and the list of points, for a model drawn in `plot` with
-- x over `xdom` ({lo, hi}, ignored for band x) and y over `ydom`. A series with
-- many more points than pixel columns keeps only those charts.shared.reduce
-- picks (opts.resolution: pixel columns per unit); g.drawn counts what is kept. Those are
-- computed in C when they can be: then g.path holds them (columns.path; path:tables() gives
-- the runs and points) and g.runs and g.points are nil.
function M.geometry(model, plot, xdom, ydom, opts)
  opts = opts or {}
  local ypos = axes.linear(ydom, plot)
  local n = #model.keys
  local a, b, keys = reduce.key_affine(model, plot, xdom, axes.band)
  local xpos
  local out = {}
  for si, s in ipairs(model.series) do
    local vals = opts.use_stack and s.y1 or s.values
    local runs, points, run, path = {}, {}, nil, nil
    local function add(x, v)
      local p = { x, ypos(v) }
      points[#points + 1] = p
      if not run then run = {}; runs[#runs + 1] = run end
      run[#run + 1] = p
    end
    local kept, total = reduce.m4(n, plot, opts.resolution or 1, a, b, keys, vals, s.missing)
    if kept and M.native_path and type(ydom) == "table" then -- the loop below, in C
      local lo, span = axes.linear_span(ydom)
      -- (a position past the double range, which columns.path refuses, is left to the loop)
      local ok, built = pcall(M.native_path, kept, n, keys, vals, a, b, lo, span, plot.y, plot.height)
      if ok then path, runs, points = built, nil, nil end
    end
    if kept and not path then
      for _, i in ipairs(kept) do
        if i == 0 then run = nil else add(a + b * (keys and keys[i] or i), vals[i]) end
      end
    elseif not kept then
      xpos = xpos or axes.key_positions(model, plot, xdom)
      local every = M.native_path and type(ydom) == "table" and type(xdom) ~= "function"
        and M.every_row(vals, s.missing, n)
      local path_ok, built = false, nil
      if every then -- the loop below, in C: columns.path of every row (x = 0 + 1 * xpos[i], as is),
        local lo, span = axes.linear_span(ydom) -- as the tables a series drawn whole is kept as;
        -- a position past the double range (columns.path refuses it) is left to the loop
        path_ok, built = pcall(M.native_path, every, n, xpos, vals, 0, 1, lo, span, plot.y, plot.height)
      end
      if path_ok then
        runs, points = built:tables()
      else
        for i = 1, n do
          local v = vals[i]
          if v ~= nil then
            add(xpos[i], v)
          elseif s.missing[i] then
            run = nil
          end
        end
      end
    end
    xpos = xpos or (s.lo and axes.key_positions(model, plot, xdom))
    local drawn = #(path or points)
    out[si] = { runs = runs, points = points, path = path, drawn = drawn, total = total or drawn,
      bands = s.lo and M.bands(s, xpos, ypos, n) or {} }
  end
  return out
end

-- Band polygons of a series with intervals (s.lo/s.hi): one per run of
-- consecutive keys that have one, {{x, y_lo}..., then {x, y_hi} back}.
function M.bands(s, xpos, ypos, n)
  if not s.lo then return {} end
  local out, lows, highs = {}, nil, nil
  local function close()
    if lows and #lows >= 2 then
      local poly = {}
      for _, p in ipairs(lows) do poly[#poly + 1] = p end
      for j = #highs, 1, -1 do poly[#poly + 1] = highs[j] end
      out[#out + 1] = poly
    end
    lows, highs = nil, nil
  end
  for i = 1, n do
    if s.lo[i] ~= nil then
      if not lows then lows, highs = {}, {} end
      lows[#lows + 1] = { xpos[i], ypos(s.lo[i]) }
      highs[#highs + 1] = { xpos[i], ypos(s.hi[i]) }
    else
      close()
    end
  end
  close()
  return out
end

-- Runs of a step line: each point holds its y until the next x ("after",
-- the default), takes the next y half-way ("mid"), or jumps at its own x
-- ("before"). Pure: a new list of runs, the corners added between points.
function M.step_runs(runs, mode)
  local out = {}
  for r, run in ipairs(runs) do
    local pts = { run[1] }
    for i = 2, #run do
      local a, b = run[i - 1], run[i]
      if mode == "before" then
        pts[#pts + 1] = { a[1], b[2] }
      elseif mode == "mid" then
        local m = (a[1] + b[1]) / 2
        pts[#pts + 1] = { m, a[2] }
        pts[#pts + 1] = { m, b[2] }
      else
        pts[#pts + 1] = { b[1], a[2] }
      end
      pts[#pts + 1] = b
    end
    out[r] = pts
  end
  return out
end

local function y_domain(model)
  local lo, hi = model.y_min, model.y_max
  if lo == nil then return { 0, 1 } end
  if lo == hi then
    local pad = math.abs(lo) > 0 and math.abs(lo) * 0.1 or 1
    return { lo - pad, hi + pad }
  end
  return { lo, hi }
end

-- variant (for charts built on this one, e.g. step): { step = "after"|"mid"|"before" }.
function M.layout(spec, theme, box, variant)
  local opts = spec.options or {}
  variant = variant or {}
  spec = interval.mean_spec(spec)
  local model = series.build(spec, { gaps = true })
  interval.attach(spec, model)
  local legend = axes.legend(model, spec, theme, "line")
  local f = axes.frame(spec, theme, box, {
    key = axes.key_axis(model, spec),
    value = { scale_kind = "linear", domain = y_domain(model), title = spec.encoding.y.title,
      format = spec.encoding.y.format, integer = axes.whole(model) },
    legend = legend,
    empty = #model.keys == 0,
  })
  local xdom = axes.key_domain(f, model)
  local ydom = axes.value_domain(f, false, y_domain(model))
  local geo = M.geometry(model, f.plot, xdom, ydom, { resolution = reduce.resolution(spec) })
  local show_points = opts.points
  local colors = axes.colors(model, theme, spec)
  for si, g in ipairs(geo) do
    g.color = colors[si]
    if show_points == nil then g.show_points = g.drawn <= M.AUTO_POINTS
    else g.show_points = show_points end
    if g.path and (variant.step or g.show_points) then -- these work on the points as tables
      g.runs, g.points = g.path:tables()
      g.path = nil
    end
    if variant.step then g.runs = M.step_runs(g.runs, variant.step) end
    -- A lone point between gaps would be invisible without a marker.
    if not g.show_points and g.path then
      g.lone = g.path:lone()
    elseif not g.show_points then
      local lone = {}
      for _, run in ipairs(g.runs) do if #run == 1 then lone[#lone + 1] = run[1] end end
      g.lone = lone
    end
  end
  local points, drawn = 0, 0
  for _, g in ipairs(geo) do points, drawn = points + g.total, drawn + g.drawn end
  return { frame = f, model = model, series = geo, empty = #model.keys == 0, drawing = reduce.drawing(points, drawn) }
end

function M.draw(canvas, layout, theme)
  axes.draw_background(canvas, layout.frame, theme)
  local p = layout.frame.plot
  canvas:save()
  -- A little room around the plot so markers on the edge are not cut in half, out to whole
  -- device pixels: cairo keeps such a clip as a region, through which the long-line stroke
  -- (src/fast_stroke.c) writes straight into the image instead of compositing a mask.
  local r = theme.point_radius or 3
  local _, _, scale = canvas:size()
  local x0, y0 = math.floor((p.x - r - 1) * scale) / scale, math.floor((p.y - r - 1) * scale) / scale
  local x1 = math.ceil((p.x + p.width + r + 1) * scale) / scale
  local y1 = math.ceil((p.y + p.height + r + 1) * scale) / scale
  canvas:rect(x0, y0, x1 - x0, y1 - y0)
  canvas:clip()
  -- Bands first, translucent, so every line stays visible over them.
  for _, g in ipairs(layout.series) do
    for _, poly in ipairs(g.bands or {}) do
      canvas:new_path()
      canvas:move_to(poly[1][1], poly[1][2])
      for j = 2, #poly do canvas:line_to(poly[j][1], poly[j][2]) end
      canvas:close_path()
      canvas:set_color(color.alpha(g.color, 0.2))
      canvas:fill()
    end
  end
  canvas:set_line_width(theme.line_width or 2)
  canvas:set_line_join("round")
  canvas:set_line_cap("round")
  for si, g in ipairs(layout.series) do
    canvas:new_path()
    draw_util.polylines(canvas, g.path or g.runs)
    canvas:set_color(g.color)
    style.set_dash(canvas, style.dash(theme, si), theme.line_width or 2)
    canvas:stroke()
  end
  canvas:set_dash({})
  for si, g in ipairs(layout.series) do
    local mk = style.marker(theme, si)
    if g.show_points then draw_util.points(canvas, g.points, r, g.color, theme.background, mk)
    elseif #g.lone > 0 then draw_util.points(canvas, g.lone, r, g.color, theme.background, mk) end
  end
  canvas:restore()
  axes.draw_axes(canvas, layout.frame, theme)
  if layout.empty then axes.no_data(canvas, layout.frame, theme) end
end

function M.describe(spec, layout)
  spec = interval.mean_spec(spec)
  local text = describe.sentence("Line", spec, layout.model)
  local trend = describe.trend(spec, layout.model)
  if trend then text = text .. " " .. trend end
  return text .. interval.sentence("Bands", layout.model.interval)
end

-- data_summary: x key, colour series and aggregated y of every point.
M.summary = require("charts.shared.summary").series

return M
