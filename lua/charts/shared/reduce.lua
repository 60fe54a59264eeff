-- Output-bounded lines: a series with many more points than the plot has pixel columns is
-- reduced per column to its first, last, lowest and highest point (M4, Jugel et al., VLDB
-- 2014), which draws the same pixels as the whole line. Line, step, area and streamgraph
-- share it; chartd.columns does the work in C.
--
-- M4's proof is for lines one pixel wide without anti-aliasing. A thicker anti-aliased line
-- also shades pixels beside a column, and how much depends on where inside the column its
-- points lie; the reduction keeps them within 1/SUB of a pixel by working on SUB columns per
-- pixel, so an edge pixel's shade differs by at most about 1/SUB of full contrast.
local has_native, columns = pcall(require, "chartd.columns")

local M = {}

M.SUB = 4
-- A series is reduced past this many points per sub-pixel column of the plot (below it the
-- reduction would keep most points anyway).
M.ABOVE = 2

-- Pixel columns per user unit: the PNG's device pixels, or twice the units of a vector
-- image (SVG/PDF are looked at up to 2× zoom, e.g. on a high-density screen).
function M.resolution(spec)
  if spec.format == "png" then return spec.scale or 1 end
  return 2
end

-- The x position of key i as a + b * (keys[i], or i for band keys), as
-- axes.key_positions computes it; keys is nil for band keys.
function M.key_affine(model, plot, xdom, band)
  if model.x_kind == "band" then
    local x1 = band(1, #model.keys, plot.x, plot.width)
    local x2, width = band(2, #model.keys, plot.x, plot.width)
    return x1 - (x2 - x1) + width / 2, x2 - x1, nil
  end
  local lo, span = xdom[1], xdom[2] - xdom[1]
  if span == 0 then return plot.x + plot.width / 2, 0, model.keys end
  return plot.x - lo / span * plot.width, plot.width / span, model.keys
end

-- The indices of the points to draw, with 0 between runs (a missing value breaks the line),
-- and the number of points in the series; nil when the series is short enough to draw
-- whole. values[i] is the series' y at key i (nil: no point there), missing[i] true where
-- the line breaks; `also` (optional) is a second y array whose extremes are kept too (an
-- area's base). a, b: key_affine's.
function M.m4(n, plot, res, a, b, keys, values, missing, also)
  local sub = res * M.SUB
  if not has_native or n <= plot.width * sub * M.ABOVE then return nil end
  if missing and next(missing) == nil then missing = nil end -- no gaps: nothing to look up
  return columns.m4(keys, n, b * sub, a * sub, values, missing, also)
end

-- What the reply's `drawing` says for the line-family charts: points in the data and points
-- drawn, summed over the series.
function M.drawing(points, drawn)
  return { method = drawn < points and "m4" or "paths", points = points, drawn = drawn }
end

return M
