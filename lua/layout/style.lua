-- Per-series marks beyond colour, from optional theme keys: line dashes,
-- fill patterns (hatching) and point markers. A theme meant for greyscale
-- print sets them so series stay apart without colour; themes without the
-- keys get solid lines, plain fills and circles, exactly as before.
--   dashes   = { {}, {6, 3}, {2, 2}, ... }        -- {} is a solid line
--   patterns = { "none", "diagonal", "dots", ... } -- see M.PATTERNS
--   markers  = { "circle", "square", "triangle", ... } -- see M.MARKERS
-- Lists repeat when there are more series than entries.
local color = require "layout.color"

local M = {}

M.PATTERNS = { none = true, diagonal = true, back = true, cross = true, horizontal = true, vertical = true,
  dots = true, grid = true }
M.MARKERS = { circle = true, square = true, triangle = true, diamond = true, cross = true, plus = true }

-- Hatch spacing in user units: dense enough to read on a 10 px legend swatch.
M.HATCH = 6

local function pick(list, i)
  if type(list) ~= "table" or #list == 0 then return nil end
  return list[(i - 1) % #list + 1]
end

-- The dash array for series i, or nil for a solid line.
function M.dash(theme, i)
  local d = pick(theme.dashes, i)
  if type(d) ~= "table" or #d == 0 then return nil end
  return d
end

-- The fill pattern name for series i, or nil for a plain fill.
function M.pattern(theme, i)
  local p = pick(theme.patterns, i)
  if p == nil or p == "none" or not M.PATTERNS[p] then return nil end
  return p
end

-- The marker shape for series i ("circle" unless the theme says otherwise).
function M.marker(theme, i)
  local m = pick(theme.markers, i)
  if m == nil or not M.MARKERS[m] then return "circle" end
  return m
end

-- Sets the dash for a stroke of width `width` (nil → solid). Round and square caps grow
-- every dash by the line's width, eating the gaps: a {1, 3} dotted line 2 px wide drew
-- as a solid one at 1x. Gaps are widened by the width so they stay as designed.
function M.set_dash(c, dash, width)
  if not dash or #dash == 0 then c:set_dash({}) return end
  local out = {}
  for i, d in ipairs(dash) do out[i] = i % 2 == 0 and d + (width or 0) or d end
  c:set_dash(out)
end

-- Adds one marker of `kind` centred at (x, y) with radius r to the current
-- path as its own sub-path, so many markers can be filled in one go. The
-- shapes have about the area of the circle of radius r.
function M.marker_path(c, kind, x, y, r)
  if kind == "square" then
    local h = r * 0.886
    c:rect(x - h, y - h, 2 * h, 2 * h)
  elseif kind == "triangle" then
    local h = r * 1.35
    c:move_to(x, y - h)
    c:line_to(x + h * 0.866, y + h * 0.5)
    c:line_to(x - h * 0.866, y + h * 0.5)
    c:close_path()
  elseif kind == "diamond" then
    local h = r * 1.25
    c:move_to(x, y - h)
    c:line_to(x + h, y)
    c:line_to(x, y + h)
    c:line_to(x - h, y)
    c:close_path()
  elseif kind == "cross" or kind == "plus" then
    -- A filled cross (x) or plus (+) of arms r/2.5 thick.
    local t, h = r / 2.5, r * 1.2
    local pts = { { -t, -h }, { t, -h }, { t, -t }, { h, -t }, { h, t }, { t, t }, { t, h }, { -t, h },
      { -t, t }, { -h, t }, { -h, -t }, { -t, -t } }
    local a = kind == "cross" and math.pi / 4 or 0
    local ca, sa = math.cos(a), math.sin(a)
    for k, p in ipairs(pts) do
      local px, py = x + p[1] * ca - p[2] * sa, y + p[1] * sa + p[2] * ca
      if k == 1 then c:move_to(px, py) else c:line_to(px, py) end
    end
    c:close_path()
  else
    c:move_to(x + r, y)
    c:arc(x, y, r, 0, 2 * math.pi)
  end
end

-- Hatches the rectangle (x, y, w, h) with `pattern` in a colour that
-- contrasts with `fill`, clipped to the current path (which is consumed).
-- Call it right after filling a shape with fill_preserve.
function M.hatch(c, pattern, fill, x, y, w, h)
  if not pattern then c:new_path() return end
  c:save()
  c:clip()
  c:new_path()
  local ink = color.alpha(color.contrast_text(fill), 0.85)
  c:set_color(ink)
  c:set_line_width(1)
  c:set_dash({})
  local s = M.HATCH
  -- Lines are anchored to multiples of s in user space, so neighbouring
  -- shapes with the same pattern line up.
  local x0, y0 = math.floor(x / s) * s, math.floor(y / s) * s
  local x1, y1 = x + w, y + h
  local hgt = y1 - y0
  local function diagonal(sign)
    -- "/" lines (sign 1) or "\\" lines (sign -1) crossing the whole box.
    for k = x0 - math.ceil(hgt / s) * s - s, x1 + s, s do
      if sign > 0 then
        c:move_to(k, y1)
        c:line_to(k + hgt, y0)
      else
        c:move_to(k, y0)
        c:line_to(k + hgt, y1)
      end
    end
  end
  if pattern == "diagonal" or pattern == "cross" then diagonal(1) end
  if pattern == "back" or pattern == "cross" then diagonal(-1) end
  if pattern == "horizontal" or pattern == "grid" then
    for yy = y0 + s / 2, y1, s do c:move_to(x, yy) c:line_to(x1, yy) end
  end
  if pattern == "vertical" or pattern == "grid" then
    for xx = x0 + s / 2, x1, s do c:move_to(xx, y) c:line_to(xx, y1) end
  end
  if pattern ~= "dots" then c:stroke() end
  if pattern == "dots" then
    for yy = y0 + s / 2, y1 + s, s do
      for xx = x0 + s / 2, x1 + s, s do
        c:move_to(xx + 1.1, yy)
        c:arc(xx, yy, 1.1, 0, 2 * math.pi)
      end
    end
    c:fill()
  end
  c:restore()
end

return M
