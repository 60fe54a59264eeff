-- Scatter plot: one circle per row at (x, y); colour by category (palette) or
-- by number (sequential ramp), radius by size (area ∝ value). Points are
-- batched per colour so 100,000 rows are a few hundred fills, not 100,000.
local color = require "layout.color"
local style = require "layout.style"
local frame = require "layout.frame"
local ticks = require "layout.ticks"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local interval = require "charts.shared.interval"
local series = require "charts.shared.series"
local sample_rng = require "charts.shared.sample_rng"
local values = require "charts.shared.values"

local M = {
  name = "scatter",
  mark = "point", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color", "size" } },
  -- regression: a least-squares line over all points, with its equation and r².
  -- interval: error bars of the y spread of the rows sharing an x (and colour).
  options = { regression = "boolean", interval = interval.KINDS },
}

-- Points per fill. One fill paints overlapping circles of one path once, so
-- smaller batches let translucent points still build up density where they pile.
M.BATCH = 256
-- Past this many points a scatter is stamped: each group's marker is rendered once and
-- copied to every point (canvas:stamp), translucent markers building up density one by
-- one. Below it every marker is its own path. SVG/PDF keep paths ten times longer (a
-- vector drawing should be one; the stamped markers become one embedded image, which costs
-- its encoding but bounds the file). The reply's `drawing` says which was used.
M.STAMP_ABOVE = 2000
M.STAMP_ABOVE_VECTOR = 20000
-- A numeric colour is drawn in this many ramp steps (one batch list each).
M.RAMP_STEPS = 32
M.MIN_RADIUS, M.MAX_RADIUS = 2, 12 -- the largest at 800×600 and over
M.MIN_SIZE_SHARE = 0.4 -- of MAX_RADIUS, on the smallest charts

-- The largest circle of a size encoding: max_radius (default MAX_RADIUS) on charts of
-- 800×600 and over, shrinking with the chart's side (theme.size_scale is the square root of
-- that ratio) down to MIN_SIZE_SHARE of it.
function M.largest_radius(theme, max_radius)
  local k = theme.size_scale or 1
  return (max_radius or M.MAX_RADIUS) * math.max(M.MIN_SIZE_SHARE, k * k)
end

-- The size key frame.layout draws for sizes over [lo, hi] (colour: one colour for all marks).
function M.size_key(enc, lo, hi, rmax, colour)
  return { title = enc.title, min = lo, max = hi, format = enc.format, color = colour,
    radius = function(v) return M.size_radius(v, lo, hi, rmax) end }
end

-- Opacity falls as points multiply so dense regions read darker, not as one blob.
function M.alpha(n)
  if n <= 200 then return 0.85 end
  return math.max(0.25, 0.85 - 0.2 * math.log(n / 200, 10))
end

-- Default radius: the theme's, shrinking past 1,000 points (to 1.25 at 100,000).
function M.radius(n, theme_radius)
  if n <= 1000 then return theme_radius end
  return math.max(1.25, theme_radius * (1000 / n) ^ 0.25)
end

-- Radius for size value v in domain [lo, hi]: the circle's area, not its
-- radius, is linear in v (zero-based when all values are ≥ 0).
function M.size_radius(v, lo, hi, rmax)
  local rmin = M.MIN_RADIUS
  rmax = rmax or M.MAX_RADIUS
  if lo >= 0 then lo = 0 end
  local t = hi > lo and (v - lo) / (hi - lo) or 1
  return math.sqrt(rmin * rmin + (rmax * rmax - rmin * rmin) * t)
end

local has_native, native = pcall(require, "chartd.columns")

-- The lowest and highest number of col[1..n]; scanned: series.scan's answer for them when known.
local function extent(col, n, scanned)
  local count, _, _, imin, imax = table.unpack(scanned or { series.scan(col, n) }, 1, 5)
  if count == 0 then return nil end
  return col[imin], col[imax]
end

-- Means and sums of squared and crossed deviations of n pairs (C when there).
local moments = has_native and native.moments or function(xs, ys, n)
  local mx, my = 0, 0
  for i = 1, n do mx, my = mx + xs[i], my + ys[i] end
  mx, my = mx / n, my / n
  local sxy, sxx, syy = 0, 0, 0
  for i = 1, n do
    local dx, dy = xs[i] - mx, ys[i] - my
    sxy, sxx, syy = sxy + dx * dy, sxx + dx * dx, syy + dy * dy
  end
  return mx, my, sxx, syy, sxy
end

-- Pearson's r of the plotted points, nil when either axis is flat or n < 3.
function M.pearson(xs, ys)
  local n = #xs
  if n < 3 then return nil end
  local _, _, sxx, syy, sxy = moments(xs, ys, n)
  if sxx == 0 or syy == 0 then return nil end
  return sxy / math.sqrt(sxx * syy)
end

-- Least squares y = intercept + slope·x → { slope, intercept, r2, n } | nil
-- (fewer than 2 points or every x the same).
function M.regression(xs, ys)
  local n = #xs
  if n < 2 then return nil end
  local mx, my, sxx, syy, sxy = moments(xs, ys, n)
  if sxx == 0 then return nil end
  local slope = sxy / sxx
  -- A perfectly flat y is explained completely by the flat line.
  local r2 = syy > 0 and (sxy * sxy) / (sxx * syy) or 1
  return { slope = slope, intercept = my - slope * mx, r2 = r2, n = n }
end

-- Three significant digits: a slope of -0.0076 must not read as "-0.01".
function M.sig(v)
  local t = ("%.3g"):format(v)
  if t:find("e") then return t end
  if t == "-0" then t = "0" end
  return t
end

-- s as a plain function, the affine form when it has one (a closure call instead of a
-- metatable __call per point: it matters at a million points).
function M.mapper(s)
  local a, b = M.affine(s)
  if a then return function(v) return a + b * v end end
  return function(v) return s(v) end
end

-- a, b with s(v) == a + b * v, when the scale has that form.
function M.affine(s)
  if s.affine and not s.clamp and s.domain[1] ~= s.domain[2] then return s:affine() end
  return nil
end

local function axis_opts(enc)
  local kind = "linear"
  if enc.type == "temporal" then kind = "time" end
  if enc.scale and enc.scale.type == "log" then kind = "log" end
  return kind
end

-- variant (for charts built on this one, e.g. bubble): { max_radius = px }.
function M.layout(spec, theme, box, variant)
  variant = variant or {}
  local df, enc = spec.data, spec.encoding
  local n = df.nrows
  local what = ("%s charts' positions"):format(spec.type)
  local xcol = values.measure(spec, "x", what, { allow_temporal = true })
  local ycol = values.measure(spec, "y", what, { allow_temporal = true })
  local cenc, senc = enc.color, enc.size
  local ccol = cenc and cenc.field and df.columns[cenc.field]
  local scol = senc and values.measure(spec, "size", "point sizes", { allow_count = true })
  local cquant = ccol and cenc.type == "quantitative" and df.types[cenc.field] == "quantitative"

  -- Rows with both coordinates (and a usable value on a log axis).
  local xkind, ykind = axis_opts(enc.x), axis_opts(enc.y)
  -- Every row drawn (the common case, checked in C): the columns serve as they are and the
  -- list of rows is built only if a loop below needs it.
  local all, xscan, yscan = xkind ~= "log" and ykind ~= "log", nil, nil
  if all then xscan = { series.scan(xcol, n) }; all = xscan[1] == n end
  if all then yscan = { series.scan(ycol, n) }; all = yscan[1] == n end
  local rows, m = nil, n
  local function kept() -- the drawn rows' numbers
    if rows then return rows end
    rows = {}
    for i = 1, n do
      local x, y = xcol[i], ycol[i]
      if all or (x ~= nil and y ~= nil and (xkind ~= "log" or x > 0) and (ykind ~= "log" or y > 0)) then
        rows[#rows + 1] = i
      end
    end
    return rows
  end
  if not all then m = #kept() end
  local sub = {}
  local function sub_col(col)
    if all then return col end
    local out = {}
    for k, i in ipairs(kept()) do out[k] = col[i] end
    return out
  end
  sub.x, sub.y = sub_col(xcol), sub_col(ycol)
  local xlo, xhi = extent(sub.x, m, all and xscan) -- every row drawn: the scans above are theirs
  local ylo, yhi = extent(sub.y, m, all and yscan)
  if xlo == nil then xlo, xhi, ylo, yhi = 0, 1, 0, 1 end

  -- Intervals of the rows sharing an x (and a colour category); the y
  -- domain widens to hold them. Not on a log y, where bounds may be ≤ 0.
  local kind = (spec.options or {}).interval
  local spans = {}
  if kind and ykind ~= "log" and m > 0 then
    local catcol = (ccol and not cquant) and ccol or nil
    local groups_y = interval.collect(m, sub.y, function(k) return sub.x[k] end, function(k)
      if not catcol then return false end
      local c = catcol[kept()[k]]
      if c == nil then return "(missing)" end
      return c
    end)
    for x, byc in pairs(groups_y) do
      for c, list in pairs(byc) do
        local lo, hi = interval.bounds(list, kind)
        if lo then
          spans[#spans + 1] = { x = x, cat = c, lo = lo, hi = hi }
          if lo < ylo then ylo = lo end
          if hi > yhi then yhi = hi end
        end
      end
    end
    -- pairs() order is arbitrary; draw order must not be.
    table.sort(spans, function(a, b)
      if a.x ~= b.x then return a.x < b.x end
      return tostring(a.cat) < tostring(b.cat)
    end)
  end

  -- Colour: categories in first-seen order, or ramp steps over the value range.
  local groups, legend = {}, nil
  local cats, cat_index = {}, {}
  local clo, chi
  if ccol and not cquant then
    for _, i in ipairs(kept()) do
      local k = ccol[i]
      if k == nil then k = "(missing)" end
      if not cat_index[k] then
        cats[#cats + 1] = k
        cat_index[k] = #cats
      end
    end
    if cenc.sort == "ascending" or cenc.sort == "descending" then
      table.sort(cats, function(a, b)
        if cenc.sort == "descending" then return tostring(a) > tostring(b) end
        return tostring(a) < tostring(b)
      end)
      for j, k in ipairs(cats) do cat_index[k] = j end
    end
    local pal = color.categorical(cenc, theme, #cats)
    local items = {}
    for j, k in ipairs(cats) do
      groups[j] = { color = pal[j], label = tostring(k), xs = {}, ys = {}, rs = scol and {} or nil,
        marker = style.marker(theme, j) }
      items[j] = { label = tostring(k), color = pal[j], shape = "circle", marker = groups[j].marker }
    end
    if #cats > 0 then legend = { title = cenc.title, items = items } end
  elseif cquant then
    clo, chi = extent(sub_col(ccol), m)
    if clo then clo, chi = axes.color_domain(cenc, clo, chi) end
    local cs = color.scale(cenc, theme, clo or 0, chi or 1)
    if clo then clo, chi = cs.min, cs.max end -- a diverging scale is symmetric around its middle
    -- (a sequential ramp's palest end would vanish as a dot; a diverging middle is meant pale)
    if not cs.diverging then cs.stops = color.visible_on(cs.stops, theme.background) end
    for j = 1, M.RAMP_STEPS do
      groups[j] = { color = color.ramp(cs.stops, (j - 1) / (M.RAMP_STEPS - 1)), xs = {}, ys = {},
        rs = scol and {} or nil }
    end
    groups[M.RAMP_STEPS + 1] = { color = theme.muted, xs = {}, ys = {}, rs = scol and {} or nil }
    if clo then legend = { title = cenc.title, gradient = { stops = cs.stops, min = clo, max = chi,
      format = cenc.format } } end
  else
    groups[1] = { color = color.palette(theme, 1)[1], xs = {}, ys = {}, rs = scol and {} or nil }
  end

  -- Sizes, and a size key: circles of the drawn sizes with the values they stand for.
  local slo, shi, size_legend
  local rmax = M.largest_radius(theme, variant.max_radius)
  if scol then slo, shi = extent(sub_col(scol), m) end
  local sd = senc and senc.scale and senc.scale.domain -- one size scale for small multiples' cells
  if slo and type(sd) == "table" and type(sd[1]) == "number" and type(sd[2]) == "number" then
    slo, shi = math.min(sd[1], slo), math.max(sd[2], shi)
  end
  if slo then size_legend = M.size_key(senc, slo, shi, rmax, #groups == 1 and groups[1].color or nil) end
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = xkind, domain = { xlo, xhi }, title = enc.x.title, format = enc.x.format,
      integer = ticks.whole(sub.x, m) },
    y = { scale_kind = ykind, domain = { ylo, yhi }, title = enc.y.title, format = enc.y.format,
      integer = #spans == 0 and ticks.whole(sub.y, m) },
    legend = legend, size_legend = size_legend,
  })
  local sx, sy = f.x.scale, f.y.scale
  local mapx, mapy = M.mapper(sx), M.mapper(sy)
  local r0 = M.radius(m, theme.point_radius)
  -- Each drawn row's position, in its colour's group. One group, no sizes, linear scales:
  -- the whole columns at once in C (a million points would be two million calls here).
  local ax, bx = M.affine(sx)
  local ay, by = M.affine(sy)
  if #groups == 1 and not scol and ax and ay and has_native then
    groups[1].xs, groups[1].ys = native.affine(sub.x, m, ax, bx), native.affine(sub.y, m, ay, by)
  else
    for _, i in ipairs(kept()) do
      local g
      if ccol and not cquant then
        local k = ccol[i]
        if k == nil then k = "(missing)" end
        g = groups[cat_index[k]]
      elseif cquant then
        local v = ccol[i]
        if v == nil then
          g = groups[M.RAMP_STEPS + 1]
        else
          local t = chi > clo and math.max(0, math.min(1, (v - clo) / (chi - clo))) or 1
          g = groups[math.floor(t * (M.RAMP_STEPS - 1) + 0.5) + 1]
        end
      else
        g = groups[1]
      end
      local k = #g.xs + 1
      g.xs[k], g.ys[k] = mapx(xcol[i]), mapy(ycol[i])
      if scol then
        local v = scol[i]
        g.rs[k] = v ~= nil and M.size_radius(v, slo, shi, rmax) or M.MIN_RADIUS
      end
    end
  end
  for _, e in ipairs(spans) do
    local g
    if e.cat then g = groups[cat_index[e.cat]] elseif not ccol then g = groups[1] end
    e.color = g and g.color or theme.foreground
    e.px, e.a, e.b = sx(e.x), sy(e.lo), sy(e.hi)
  end
  local nonempty = {}
  for _, g in ipairs(groups) do if #g.xs > 0 then nonempty[#nonempty + 1] = g end end
  local fit
  if (spec.options or {}).regression and xkind ~= "log" and ykind ~= "log" then
    fit = M.regression(sub.x, sub.y)
    if fit then
      -- Across the whole x domain; the draw clips it to the plot.
      local d = f.x.domain
      fit.x0, fit.x1 = sx(d[1]), sx(d[2])
      fit.y0, fit.y1 = sy(fit.intercept + fit.slope * d[1]), sy(fit.intercept + fit.slope * d[2])
      if xkind == "linear" then
        local b = fit.intercept
        fit.label = ("y = %sx %s %s   r\u{b2} = %.2f"):format(M.sig(fit.slope), b < 0 and "\u{2212}" or "+",
          M.sig(math.abs(b)), fit.r2)
      else
        fit.label = ("r\u{b2} = %.2f"):format(fit.r2)
      end
    end
  end
  return {
    error_bars = spans, interval = #spans > 0 and kind or nil,
    frame = f, groups = nonempty, radius = r0, alpha = M.alpha(m), count = m, fit = fit,
    drawing = { method = m > (spec.format == "png" and M.STAMP_ABOVE or M.STAMP_ABOVE_VECTOR) and "stamped" or "paths",
      points = m },
    r = (xkind ~= "log" and ykind ~= "log") and M.pearson(sub.x, sub.y) or nil,
    note = m == 0 and "No data" or nil,
  }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.frame.plot
  -- No clip: a point on the domain's edge stays a whole circle.
  local stamped = layout.drawing and layout.drawing.method == "stamped"
  for _, g in ipairs(layout.groups) do
    local xs, ys, rs, r = g.xs, g.ys, g.rs, layout.radius
    local fill = color.alpha(g.color, layout.alpha)
    c:new_path()
    if stamped then -- the marker once, at the origin; stamp copies it to every point
      local unit = rs and M.MAX_RADIUS or r -- sized: drawn large, so curves stay smooth scaled
      style.marker_path(c, g.marker or "circle", 0, 0, unit)
      c:set_color(fill)
      c:stamp(xs, ys, rs, unit)
    else
      for k = 1, #xs do
        style.marker_path(c, g.marker or "circle", xs[k], ys[k], rs and rs[k] or r)
        if k % M.BATCH == 0 then
          c:set_color(fill)
          c:fill()
        end
      end
      c:set_color(fill)
      c:fill()
    end
  end
  -- Error bars over the points, in each category's colour.
  c:set_line_width(1.5)
  for _, e in ipairs(layout.error_bars or {}) do
    c:new_path()
    interval.error_bar(c, e.px, e.a, e.b, 4, false)
    c:set_color(e.color)
    c:stroke()
  end
  if layout.note then axes.note(c, layout.frame, theme, layout.note) end
  local fit = layout.fit
  if fit then
    c:save()
    c:rect(p.x, p.y, p.width, p.height)
    c:clip()
    c:new_path()
    c:move_to(fit.x0, fit.y0)
    c:line_to(fit.x1, fit.y1)
    c:set_color(theme.foreground)
    c:set_line_width(theme.line_width or 2)
    c:stroke()
    c:restore()
    -- The equation in the plot's top-right corner, on a wash of the background.
    local font = { family = theme.font, size = theme.font_sizes.label }
    local w, h = c:measure_text(fit.label, { font = font })
    local x, y = p.x + p.width - 6, p.y + 6
    c:new_path()
    c:rect(x - w - 4, y - 2, w + 8, h + 4)
    c:set_color(color.alpha(theme.background, 0.85))
    c:fill()
    c:text(fit.label, x, y, { font = font, color = theme.foreground, align = "right", valign = "top",
      role = "annotation" })
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local enc = spec.encoding
  local xt, yt = enc.x.title or enc.x.field, enc.y.title or enc.y.field
  local head = string.format("Scatter plot of %s against %s for %s point%s", yt, xt,
    describe.number_text(layout.count), layout.count == 1 and "" or "s")
  if enc.color and enc.color.field then head = head .. ", coloured by " .. (enc.color.title or enc.color.field) end
  local r = layout.r
  if layout.fit then
    local fit = layout.fit
    head = head .. string.format("; least-squares line y = %s + %s × %s (r² = %.2f)", M.sig(fit.intercept),
      M.sig(fit.slope), xt, fit.r2)
  end
  local extra = interval.sentence("Error bars", layout.interval)
  if not r then return head .. "." .. extra end
  local rtext = string.format("r = %.2f", r)
  local trend
  if math.abs(r) < 0.3 then
    trend = string.format("no clear linear relationship (%s)", rtext)
  else
    local strength = math.abs(r) >= 0.7 and "" or "loosely "
    trend = string.format("%s %stends to %s as %s rises (%s)", yt, strength, r > 0 and "rise" or "fall", xt, rtext)
  end
  return head .. "; " .. trend .. "." .. extra
end

M.sample = {
  type = "scatter",
  title = "Car weight and fuel economy",
  subtitle = "60 models, size = horsepower",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(5)
    local origins = { "Europe", "Japan", "USA" }
    for i = 1, 60 do
      local origin = origins[(i - 1) % 3 + 1]
      local base = origin == "USA" and 3400 or (origin == "Europe" and 2700 or 2400)
      local weight = math.floor(base + (rnd() - 0.5) * 1400)
      local mpg = math.floor((46 - weight / 130 + (rnd() - 0.5) * 7) * 10 + 0.5) / 10
      local hp = math.floor(weight / 20 - 60 + (rnd() - 0.5) * 30)
      rows[i] = { weight = weight, mpg = mpg, horsepower = hp, origin = origin }
    end
    return rows
  end)() },
  encoding = {
    x = { field = "weight", type = "quantitative", title = "Weight (lb)" },
    y = { field = "mpg", type = "quantitative", title = "Miles per gallon" },
    color = { field = "origin", type = "nominal", title = "Origin" },
    size = { field = "horsepower", type = "quantitative", title = "Horsepower" },
  },
}

-- data_summary: the plotted rows (both coordinates present, > 0 on a log axis).
function M.summary(spec, layout)
  local enc, cols = spec.encoding, spec.data.columns
  local xcol, ycol = cols[enc.x.field], cols[enc.y.field]
  local xlog, ylog = axis_opts(enc.x) == "log", axis_opts(enc.y) == "log"
  return require("charts.shared.summary").records(spec, function(i)
    local x, y = xcol[i], ycol[i]
    return x ~= nil and y ~= nil and (not xlog or x > 0) and (not ylog or y > 0)
  end, layout.count)
end

return M
