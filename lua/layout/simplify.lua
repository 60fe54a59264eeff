-- Polyline simplification in pixels: drops points that lie within `tolerance`
-- px of the segment joining the points kept around them. A sampled curve keeps
-- its look with a fraction of the points, and what cairo spends to fill and
-- stroke a path follows its number of edges.
local M = {}

-- Differences below this are lost in antialiasing.
M.TOLERANCE = 0.2

-- Squared distance from (px, py) to the segment (ax, ay)-(bx, by).
local function dist2(px, py, ax, ay, bx, by)
  local dx, dy = bx - ax, by - ay
  local len2 = dx * dx + dy * dy
  local t = len2 > 0 and ((px - ax) * dx + (py - ay) * dy) / len2 or 0
  if t < 0 then t = 0 elseif t > 1 then t = 1 end
  local ex, ey = px - ax - t * dx, py - ay - t * dy
  return ex * ex + ey * ey
end

-- M.points(pts [, tolerance]) → the kept {x, y} points (the same tables), first
-- and last always kept. Greedy: from the last kept point, reach as far as every
-- point in between stays within the tolerance (linear in practice: the runs a
-- smooth curve allows are short).
function M.points(pts, tolerance)
  local n = #pts
  local out = { pts[1] }
  if n <= 2 then
    out[2] = pts[2]
    return out
  end
  local tol2 = (tolerance or M.TOLERANCE) ^ 2
  local anchor = 1
  for i = 3, n do
    local a, b = pts[anchor], pts[i]
    for j = anchor + 1, i - 1 do
      local p = pts[j]
      if dist2(p[1], p[2], a[1], a[2], b[1], b[2]) > tol2 then
        anchor = i - 1
        out[#out + 1] = pts[anchor]
        break
      end
    end
  end
  out[#out + 1] = pts[n]
  return out
end

return M
