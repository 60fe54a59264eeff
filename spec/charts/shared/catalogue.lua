-- Test helpers for the catalogue chart specs: a normalized spec through the
-- real validator, a render through the real pipeline decoded to pixels, and
-- the validation error for a raw spec.
local validate = require "chartspec.validate"
local pipeline = require "pipeline"
local image = require "chartd.image"
local themes = require "themes"

local M = {}

M.BOX = { x = 0, y = 0, width = 600, height = 400 }

-- Normalized spec (600×400, light unless extra says otherwise).
function M.spec(chart_type, values, encoding, options, extra)
  local raw = { type = chart_type, data = { values = values }, encoding = encoding, options = options,
    width = 600, height = 400 }
  for k, v in pairs(extra or {}) do raw[k] = v end
  local spec, errs = validate.spec(raw)
  assert(spec, errs and errs[1] and errs[1].message)
  return spec
end

-- Layout of a spec in M.BOX with the named theme, sized as the pipeline sizes it.
function M.layout(mod, spec, theme_name)
  return mod.layout(spec, themes.for_size(themes.get(theme_name or spec.theme or "light"), spec.width, spec.height),
    { x = 0, y = 0, width = spec.width, height = spec.height })
end

-- Rendered PNG as { width=, height=, hex = function(self, x, y) → "#rrggbb" } and the result.
function M.render(raw)
  local result, err = pipeline.render(raw)
  assert(result, err and err.message)
  local img = assert(image.decode_png(result.bytes))
  local wrapped = { width = img.width, height = img.height }
  function wrapped.hex(_, x, y)
    return ("#%02x%02x%02x"):format(img:pixel(math.floor(x), math.floor(y)))
  end
  return wrapped, result
end

-- The joined validation/layout error message for a raw spec (through the pipeline).
function M.error(raw)
  local result, err = pipeline.render(raw)
  assert(not result, "expected an error")
  return err
end

-- n records made by fn(i).
function M.rows(n, fn)
  local out = {}
  for i = 1, n do out[i] = fn(i) end
  return out
end

function M.near(expected, actual, tol, what)
  assert(math.abs(expected - actual) <= (tol or 1e-9),
    ("%s: expected %.6f, got %.6f"):format(what or "value", expected, actual))
end

return M
