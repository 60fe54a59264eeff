-- Hexbin: a 2-D histogram on a grid of pointy-top hexagons (d3-hexbin's
-- grid, in plot pixels), each coloured by how many points fall in it, with a
-- gradient legend of the counts. Scales to any number of points: drawing
-- cost follows the number of hexagons, not rows.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local frame = require "layout.frame"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "hexbin",
  encodings = { required = { "x", "y" }, optional = {} },
  -- radius: the hexagons' circumradius in px (default: 1/40 of the plot's width, 5–30).
  options = { radius = "number" },
}

local SQRT3 = math.sqrt(3)

M.sample = {
  type = "hexbin",
  title = "Taxi trips: distance and fare",
  subtitle = "5,000 trips",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(37)
    for _ = 1, 5000 do
      local d = -math.log(1 - rnd() * 0.995) * 3.2 + 0.3
      local fare = 3 + d * 2.6 + (rnd() + rnd() + rnd() - 1.5) * (1.5 + d * 0.5)
      rows[#rows + 1] = { km = math.floor(d * 10 + 0.5) / 10, fare = math.floor(math.max(3, fare) * 100 + 0.5) / 100 }
    end
    return rows
  end)() },
  encoding = {
    x = { field = "km", type = "quantitative", title = "Trip distance (km)" },
    y = { field = "fare", type = "quantitative", title = "Fare (USD)" },
  },
}

-- The hexagon (column i, row j) containing pixel (x, y) relative to the
-- grid's origin, for circumradius r: d3-hexbin's rounding, with the
-- corner case decided by true distance.
function M.cell(x, y, r)
  local dx, dy = r * SQRT3, r * 1.5
  local py = y / dy
  local pj = math.floor(py + 0.5)
  local px = x / dx - (pj % 2) / 2
  local pi = math.floor(px + 0.5)
  local py1 = py - pj
  if math.abs(py1) * 3 > 1 then
    local px1 = px - pi
    local pi2 = pi + (px < pi and -1 or 1) / 2
    local pj2 = pj + (py < pj and -1 or 1)
    local px2, py2 = px - pi2, py - pj2
    -- Compared in pixels (d3 compares in grid units, which are not
    -- isotropic and pick the farther centre near some corners).
    if (px1 * dx) ^ 2 + (py1 * dy) ^ 2 > (px2 * dx) ^ 2 + (py2 * dy) ^ 2 then
      pi = pi2 + ((pj % 2 == 1) and 1 or -1) / 2
      pj = pj2
    end
  end
  return pi, pj
end

-- Centre of cell (i, j).
function M.center(i, j, r)
  return (i + (j % 2) / 2) * r * SQRT3, j * r * 1.5
end

-- M.bin(xs, ys, r) → { {i=, j=, cx=, cy=, count=}, ... } (pixel inputs; centres relative to the same origin).
function M.bin(xs, ys, r)
  local by, list = {}, {}
  for k = 1, #xs do
    local i, j = M.cell(xs[k], ys[k], r)
    local key = i * 1000003 + j
    local h = by[key]
    if not h then
      local cx, cy = M.center(i, j, r)
      h = { i = i, j = j, cx = cx, cy = cy, count = 0 }
      by[key] = h
      list[#list + 1] = h
    end
    h.count = h.count + 1
  end
  return list
end

local function hex_path(c, cx, cy, r)
  for k = 0, 5 do
    local a = math.pi / 3 * k + math.pi / 6
    local x, y = cx + r * math.cos(a), cy + r * math.sin(a)
    if k == 0 then c:move_to(x, y) else c:line_to(x, y) end
  end
  c:close_path()
end

function M.layout(spec, theme, box)
  local df, enc = spec.data, spec.encoding
  for _, ch in ipairs({ "x", "y" }) do
    if enc[ch].type ~= "quantitative" then
      error(errors.new("invalid_spec", "encoding." .. ch .. ".type", ('a hexbin needs a quantitative field; "%s" is %s')
        :format(enc[ch].field, enc[ch].type)))
    end
  end
  local opts = spec.options or {}
  if opts.radius and opts.radius < 1 then
    error(errors.new("invalid_spec", "options.radius", "must be at least 1 (px)"))
  end
  local xcol, ycol = df.columns[enc.x.field], df.columns[enc.y.field]
  local rows = {}
  local xlo, xhi, ylo, yhi = math.huge, -math.huge, math.huge, -math.huge
  for i = 1, df.nrows do
    local x, y = xcol[i], ycol[i]
    if x ~= nil and y ~= nil then
      rows[#rows + 1] = i
      xlo, xhi, ylo, yhi = math.min(xlo, x), math.max(xhi, x), math.min(ylo, y), math.max(yhi, y)
    end
  end
  local n = #rows
  if n == 0 then xlo, xhi, ylo, yhi = 0, 1, 0, 1 end
  -- The legend's range depends on the counts, which depend on the plot the
  -- legend leaves: settle in a few rounds (the max rarely moves after one).
  local f, hexes, r, top
  local legend_max = math.max(1, n)
  for _ = 1, 3 do
    f = frame.layout(spec, theme, box, {
      x = { scale_kind = "linear", domain = { xlo, xhi }, title = enc.x.title, format = enc.x.format },
      y = { scale_kind = "linear", domain = { ylo, yhi }, title = enc.y.title, format = enc.y.format },
      legend = n > 0 and { title = "Count", gradient = { stops = theme.sequential, min = 1, max = legend_max } } or nil,
      grid = false,
    })
    local p = f.plot
    r = opts.radius or math.max(5, math.min(30, p.width / 40))
    local sx, sy = f.x.scale, f.y.scale
    local px, py = {}, {}
    for k, i in ipairs(rows) do px[k], py[k] = sx(xcol[i]) - p.x, sy(ycol[i]) - p.y end
    hexes = M.bin(px, py, r)
    top = 1
    for _, h in ipairs(hexes) do
      h.cx, h.cy = h.cx + p.x, h.cy + p.y
      top = math.max(top, h.count)
    end
    if top == legend_max then break end
    legend_max = top
  end
  for _, h in ipairs(hexes) do
    local t = legend_max > 1 and (h.count - 1) / (legend_max - 1) or 1
    h.color = color.ramp(theme.sequential, t)
  end
  return { frame = f, hexes = hexes, radius = r, count = n, max = top, empty = n == 0 }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local p = layout.frame.plot
  c:save()
  c:rect(p.x, p.y, p.width, p.height)
  c:clip()
  -- One fill per colour: hexagons sharing a ramp colour go in one path.
  local by, order = {}, {}
  for _, h in ipairs(layout.hexes) do
    local l = by[h.color]
    if not l then l = {}; by[h.color] = l; order[#order + 1] = h.color end
    l[#l + 1] = h
  end
  for _, col in ipairs(order) do
    c:new_path()
    for _, h in ipairs(by[col]) do hex_path(c, h.cx, h.cy, layout.radius) end
    c:set_color(col)
    c:fill()
  end
  c:restore()
  frame.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  local enc = spec.encoding
  local num = describe.number_text
  local xt, yt = enc.x.title or enc.x.field, enc.y.title or enc.y.field
  if layout.empty then return ("Hexbin plot of %s against %s with no data."):format(yt, xt) end
  local best = layout.hexes[1]
  for _, h in ipairs(layout.hexes) do if h.count > best.count then best = h end end
  local f = layout.frame
  return ("Hexbin plot of %s against %s: %s points in %d hexagons; the densest holds %s points around %s = %s, "
    .. "%s = %s."):format(yt, xt, num(layout.count), #layout.hexes, num(best.count), xt,
    num(f.x.scale:invert(best.cx)), yt, num(f.y.scale:invert(best.cy)))
end

return M
