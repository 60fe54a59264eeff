-- Golden images: how one is drawn (a chart type's sample spec in a theme at
-- 320×240, PNG, scale 1) and how a fresh render is compared with it. Used by
-- spec/quality/golden_spec.lua and tools/update-golden.lua.
local pipeline = require "pipeline"
local charts = require "charts"
local image = require "chartd.image"

local M = {}

M.WIDTH, M.HEIGHT = 320, 240
M.DIR = "spec/golden"

-- A pixel differs when any channel moves by more than CHANNEL_TOL counts;
-- an image fails when more than MAX_SHARE of its pixels differ. Measured
-- (see spec/golden/README.md): other hinting/antialiasing of the same
-- layout moves < 0.5 % of pixels this much; a 2 px layout shift (theme
-- padding 16 → 18) moves 3–12 %.
M.CHANNEL_TOL = 48
M.MAX_SHARE = 0.015

local copy = require("util.tables").deep_copy

function M.path(type_name, theme, dir)
  return ("%s/%s-%s.png"):format(dir or M.DIR, type_name, theme)
end

-- PNG bytes of a type's sample in a theme → bytes | nil, error table.
function M.render(type_name, theme, opts)
  local chart = assert(charts.get(type_name))
  local spec = copy(chart.sample)
  spec.theme, spec.format, spec.scale = theme, "png", 1
  spec.width, spec.height = (opts and opts.width) or M.WIDTH, (opts and opts.height) or M.HEIGHT
  local r, err = pipeline.render(spec, { compression = 9 })
  if not r then return nil, err end
  return r.bytes
end

-- Compares two PNGs: → share of differing pixels (0..1), differing count,
-- total; identical bytes short-cut. Different sizes count as all different.
function M.compare(a_bytes, b_bytes)
  if a_bytes == b_bytes then return 0, 0, M.WIDTH * M.HEIGHT end
  local a, b = assert(image.decode_png(a_bytes)), assert(image.decode_png(b_bytes))
  local total = a.width * a.height
  if a.width ~= b.width or a.height ~= b.height then return 1, total, total end
  local tol, n = M.CHANNEL_TOL, 0
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
  return n / total, n, total
end

function M.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

function M.write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

return M
