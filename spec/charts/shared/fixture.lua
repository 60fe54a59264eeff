-- Test helper for the series chart specs: a normalized spec from records,
-- built the way chartspec.validate does when it is there.
local frame = require "data.frame"

local M = {}

function M.spec(chart_type, values, encoding, options, extra)
  local raw = { type = chart_type, data = { values = values }, encoding = encoding, options = options or {},
    width = 400, height = 300, theme = "light", format = "png", scale = 1 }
  for k, v in pairs(extra or {}) do raw[k] = v end
  local ok, validate = pcall(require, "chartspec.validate")
  if ok then
    local spec, errs = validate.spec(raw)
    assert(spec, errs and errs[1] and errs[1].message)
    return spec
  end
  local df = assert(frame.from_data(raw.data, "data"))
  local enc = {}
  for ch, e in pairs(encoding) do
    local c = {}
    for k, v in pairs(e) do c[k] = v end
    if c.field and not c.type then c.type = df.types[c.field] end
    if c.type and c.field and df.types[c.field] ~= c.type then assert(frame.set_type(df, c.field, c.type)) end
    c.title = c.title or c.field
    enc[ch] = c
  end
  raw.data, raw.encoding = df, enc
  return raw
end

return M
