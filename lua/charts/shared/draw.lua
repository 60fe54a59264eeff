-- Drawing helpers shared by the series charts: bars with one rounded end,
-- polylines broken at gaps, point markers, text colour on a filled shape.
local color = require "layout.color"
local style = require "layout.style"

local M = {}

-- Adds the path of bar b ({x, y, w, h, round}) with its `round` end
-- ("top"|"bottom"|"left"|"right") rounded by radius r; the other end stays
-- square so the bar still meets its baseline (or the segment below it).
function M.bar(canvas, b, r)
  local x, y, w, h = b.x, b.y, b.w, b.h
  r = math.min(r or 0, w / 2, h / 2)
  if not b.round or r < 0.5 then
    canvas:rect(x, y, w, h)
    return
  end
  local pi = math.pi
  local x1, y1 = x + w, y + h
  canvas:new_path()
  if b.round == "top" then
    canvas:move_to(x, y1)
    canvas:line_to(x, y + r)
    canvas:arc(x + r, y + r, r, pi, 1.5 * pi)
    canvas:arc(x1 - r, y + r, r, 1.5 * pi, 2 * pi)
    canvas:line_to(x1, y1)
  elseif b.round == "bottom" then
    canvas:move_to(x, y)
    canvas:line_to(x1, y)
    canvas:line_to(x1, y1 - r)
    canvas:arc(x1 - r, y1 - r, r, 0, 0.5 * pi)
    canvas:arc(x + r, y1 - r, r, 0.5 * pi, pi)
  elseif b.round == "right" then
    canvas:move_to(x, y)
    canvas:line_to(x1 - r, y)
    canvas:arc(x1 - r, y + r, r, 1.5 * pi, 2 * pi)
    canvas:arc(x1 - r, y1 - r, r, 0, 0.5 * pi)
    canvas:line_to(x, y1)
  else -- left
    canvas:move_to(x1, y)
    canvas:line_to(x1, y1)
    canvas:line_to(x + r, y1)
    canvas:arc(x + r, y1 - r, r, 0.5 * pi, pi)
    canvas:arc(x + r, y + r, r, pi, 1.5 * pi)
  end
  canvas:close_path()
end

-- Black or white, whichever contrasts more with the fill `hex`.
function M.text_on(hex)
  return color.contrast_text(hex)
end

-- Strokes each run of points ({{x, y}, ...}) as one polyline.
function M.polylines(canvas, runs)
  if canvas.polylines then return canvas:polylines(runs) end -- the same in C (a binary without it: below)
  for _, run in ipairs(runs) do
    if #run >= 2 then
      canvas:move_to(run[1][1], run[1][2])
      for i = 2, #run do canvas:line_to(run[i][1], run[i][2]) end
    end
  end
end

-- Filled markers (circles unless `marker` names a layout.style shape) with a
-- ring in the background colour so close points stay apart.
function M.points(canvas, pts, r, fill, ring, marker)
  for _, p in ipairs(pts) do
    canvas:new_path()
    style.marker_path(canvas, marker or "circle", p[1], p[2], r)
    canvas:set_color(fill)
    canvas:fill_preserve()
    canvas:set_color(ring)
    canvas:set_line_width(1)
    canvas:stroke()
  end
end

return M
