-- Hexbin: a 2-D histogram on a grid of pointy-top hexagons (d3-hexbin's
-- grid, in plot pixels), each coloured by how many points fall in it, with a
-- gradient legend of the counts. Scales to any number of points: drawing
-- cost follows the number of hexagons, not rows.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local values = require "charts.shared.values"
local frame = require "layout.frame"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "hexbin",
  mark = "cell", -- the role of its marks in the scene
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
-- corner case decided by true distance. (Runs once per point: `// 1` and
-- parity by halving are operators, where math.floor and % would be calls.)
function M.cell(x, y, r)
  local dx, dy = r * SQRT3, r * 1.5
  local py = y / dy
  local pj = (py + 0.5) // 1
  local odd = pj - (pj * 0.5) // 1 * 2
  local px = x / dx - odd / 2
  local pi = (px + 0.5) // 1
  local py1 = py - pj
  if py1 * 3 > 1 or py1 * 3 < -1 then
    local px1 = px - pi
    local pi2 = pi + (px < pi and -1 or 1) / 2
    local pj2 = pj + (py < pj and -1 or 1)
    local px2, py2 = px - pi2, py - pj2
    -- Compared in pixels (d3 compares in grid units, which are not
    -- isotropic and pick the farther centre near some corners).
    local ax, ay, bx, by = px1 * dx, py1 * dy, px2 * dx, py2 * dy
    if ax * ax + ay * ay > bx * bx + by * by then
      pi = pi2 + (odd == 1 and 1 or -1) / 2
      pj = pj2
    end
  end
  return pi, pj
end

-- Centre of cell (i, j).
function M.center(i, j, r)
  return (i + (j % 2) / 2) * r * SQRT3, j * r * 1.5
end

-- M.bin(xs, ys, r [, tx, ty, n]) → { {i=, j=, cx=, cy=, count=}, ... }: the cells of points
-- 1..n (default #xs), with centres relative to the grid's origin. Points are pixels from that
-- origin, or any values when tx = {a, b} and ty = {a, b} give their pixels as a + b * value;
-- points missing a coordinate are skipped. One pass, no per-point tables: it runs on every point.
function M.bin(xs, ys, r, tx, ty, n)
  local ax, bx = tx and tx[1] or 0, tx and tx[2] or 1
  local ay, by_ = ty and ty[1] or 0, ty and ty[2] or 1
  local by, list, cell = {}, {}, M.cell
  for k = 1, n or #xs do
    local x, y = xs[k], ys[k]
    if x ~= nil and y ~= nil then
      local i, j = cell(ax + bx * x, ay + by_ * y, r)
      local key = i * 1000003 + j
      local h = by[key]
      if h then
        h.count = h.count + 1
      else
        local cx, cy = M.center(i, j, r)
        h = { i = i, j = j, cx = cx, cy = cy, count = 1 }
        by[key] = h
        list[#list + 1] = h
      end
    end
  end
  return list
end

-- The six corners of a pointy-top hexagon of circumradius 1, from 30° on.
local CORNERS = {}
for k = 0, 5 do
  local a = math.pi / 3 * k + math.pi / 6
  CORNERS[k + 1] = { math.cos(a), math.sin(a) }
end

local function hex_path(c, cx, cy, r)
  c:move_to(cx + r * CORNERS[1][1], cy + r * CORNERS[1][2])
  for k = 2, 6 do c:line_to(cx + r * CORNERS[k][1], cy + r * CORNERS[k][2]) end
  c:close_path()
end

function M.layout(spec, theme, box)
  local df, enc = spec.data, spec.encoding
  for _, ch in ipairs({ "x", "y" }) do values.measure(spec, ch, "hexbin cells") end
  local opts = spec.options or {}
  if opts.radius and opts.radius < 1 then
    error(errors.new("invalid_spec", "options.radius", "must be at least 1 (px)"))
  end
  local xcol, ycol = df.columns[enc.x.field], df.columns[enc.y.field]
  local n = 0
  local xlo, xhi, ylo, yhi = math.huge, -math.huge, math.huge, -math.huge
  for i = 1, df.nrows do
    local x, y = xcol[i], ycol[i]
    if x ~= nil and y ~= nil then
      n = n + 1
      if x < xlo then xlo = x end
      if x > xhi then xhi = x end
      if y < ylo then ylo = y end
      if y > yhi then yhi = y end
    end
  end
  if n == 0 then xlo, xhi, ylo, yhi = 0, 1, 0, 1 end
  -- The legend's range depends on the counts, which depend on the plot the
  -- legend leaves. The first round makes room for labels up to n (no cell holds
  -- more), so relabelling for the densest cell usually settles it; otherwise a
  -- few rounds (the max rarely moves after one).
  local f, hexes, r, top, binned_for
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
    -- A new legend range often leaves the plot as it was (the title "Count" sets the width):
    -- then the bins stand.
    local geometry = ("%.17g %.17g %.17g %.17g %.17g"):format(p.x, p.y, p.width, p.height, r)
    if geometry ~= binned_for then
      binned_for = geometry
      local ax, bx = f.x.scale:affine()
      local ay, by = f.y.scale:affine()
      hexes = M.bin(xcol, ycol, r, { ax - p.x, bx }, { ay - p.y, by }, df.nrows)
      top = 1
      for _, h in ipairs(hexes) do
        h.cx, h.cy = h.cx + p.x, h.cy + p.y
        if h.count > top then top = h.count end
      end
    end
    if top == legend_max then break end
    if frame.relabel_gradient(f, theme, 1, top) then
      legend_max = top
      break
    end
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

-- data_summary: the hexagons drawn, densest first: centre in data units and count.
function M.summary(spec, layout)
  local enc, f = spec.encoding, layout.frame
  local cells = {}
  for k, h in ipairs(layout.hexes) do cells[k] = h end
  table.sort(cells, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a.cx < b.cx or (a.cx == b.cx and a.cy < b.cy)
  end)
  local rows = {}
  for k, h in ipairs(cells) do
    rows[k] = { f.x.scale:invert(h.cx), f.y.scale:invert(h.cy), h.count }
  end
  local columns = { enc.x.field .. " (centre)", enc.y.field .. " (centre)", "count" }
  return require("charts.shared.summary").table(columns, rows)
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
