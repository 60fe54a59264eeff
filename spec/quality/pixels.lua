-- Pixel helpers for the quality specs: render a string alone to a PNG and
-- read back which pixels carry ink, compare ink masks, diff two images.
local canvas = require "chartd.canvas"
local image = require "chartd.image"

local M = {}

-- Renders str in black on white on a size×3 by size×2 canvas (user units =
-- pixels at scale 1); returns the decoded image.
function M.render_text(str, size, family, x)
  local w, h = size * 3 + (x or 0), size * 2
  local c = canvas.new { format = "png", width = w, height = h }
  c:set_color("#ffffff")
  c:rect(0, 0, w, h)
  c:fill()
  c:text(str, x or size / 4, size / 4, { font = { family = family or "DejaVu Sans", size = size },
    color = "#000000", valign = "top" })
  return assert(image.decode_png(c:finish()))
end

-- A pixel is ink when it is clearly darker than white or clearly coloured.
local function is_ink(r, g, b)
  return (r + g + b) < 600 or math.max(r, g, b) - math.min(r, g, b) > 40
end

-- Ink mask of an image: { [y * width + x] = true }, the count, and whether
-- any ink pixel is coloured (not grey).
function M.ink(img)
  local mask, n, coloured = {}, 0, false
  for y = 0, img.height - 1 do
    for x = 0, img.width - 1 do
      local r, g, b = img:pixel(x, y)
      if is_ink(r, g, b) then
        mask[y * img.width + x] = true
        n = n + 1
        if math.max(r, g, b) - math.min(r, g, b) > 40 then coloured = true end
      end
    end
  end
  return mask, n, coloured
end

-- Pixels inked in every mask of the list.
function M.intersect(masks)
  local out, n = {}, 0
  for k in pairs(masks[1]) do
    local all = true
    for i = 2, #masks do if not masks[i][k] then all = false break end end
    if all then out[k] = true; n = n + 1 end
  end
  return out, n
end

-- Share (0..1) of the pixels of `frame` that are also inked in `mask`.
function M.coverage(frame, mask)
  local total, hit = 0, 0
  for k in pairs(frame) do
    total = total + 1
    if mask[k] then hit = hit + 1 end
  end
  return total > 0 and hit / total or 0
end

-- Number of pixels of two same-sized images whose channels differ by more
-- than `tol` in any of r, g, b, a.
function M.diff(a, b, tol)
  assert(a.width == b.width and a.height == b.height, "images differ in size")
  local n = 0
  for y = 0, a.height - 1 do
    for x = 0, a.width - 1 do
      local r1, g1, b1, a1 = a:pixel(x, y)
      local r2, g2, b2, a2 = b:pixel(x, y)
      if math.abs(r1 - r2) > tol or math.abs(g1 - g2) > tol or math.abs(b1 - b2) > tol
        or math.abs(a1 - a2) > tol then
        n = n + 1
      end
    end
  end
  return n
end

return M
