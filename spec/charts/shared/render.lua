-- Test helper for the chart catalogue specs: render a raw spec through the
-- pipeline and read pixels back; the error a raw spec fails with.
local pipeline = require "pipeline"
local image = require "chartd.image"

local M = {}

function M.hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

-- Renders raw (a spec table; width/height default 400×300) → decoded image, result.
function M.png(raw)
  raw.width, raw.height = raw.width or 400, raw.height or 300
  local result, err = pipeline.render(raw)
  assert(result, err and err.message)
  return assert(image.decode_png(result.bytes)), result
end

-- The colour at (x, y) as "#rrggbb" (coordinates are floored: device pixels, scale 1).
function M.at(img, x, y) return M.hex(img:pixel(math.floor(x), math.floor(y))) end

-- Whether two "#rrggbb" colours differ by at most tol in every channel.
function M.close(a, b, tol)
  for i = 2, 6, 2 do
    if math.abs(tonumber(a:sub(i, i + 1), 16) - tonumber(b:sub(i, i + 1), 16)) > tol then return false end
  end
  return true
end

-- How two images of one size differ: the largest channel difference of any pixel, the
-- number of pixels that differ at all, the number that differ by more than `by`, and the
-- mean difference over all pixels.
function M.diff(a, b, by)
  assert(a.width == b.width and a.height == b.height, "images of different sizes")
  local worst, differ, over, sum = 0, 0, 0, 0
  for y = 0, a.height - 1 do
    for x = 0, a.width - 1 do
      local r1, g1, b1 = a:pixel(x, y)
      local r2, g2, b2 = b:pixel(x, y)
      local d = math.max(math.abs(r1 - r2), math.abs(g1 - g2), math.abs(b1 - b2))
      if d > 0 then worst, differ, sum = math.max(worst, d), differ + 1, sum + d end
      if by and d > by then over = over + 1 end
    end
  end
  return worst, differ, over, sum / (a.width * a.height)
end

-- The error table a raw spec fails with (asserts that it fails).
function M.fails(raw)
  local result, err = pipeline.render(raw)
  assert(result == nil, "expected an error")
  return err
end

-- Raw specs of n rows built by fn(i) → record.
function M.rows(n, fn)
  local out = {}
  for i = 1, n do out[i] = fn(i) end
  return out
end

return M
