-- Whether a spec is Vega-Lite: the one question every render asks, answered without loading
-- the translator (lua/vegalite/*, transforms), which only a Vega-Lite spec needs.
local M = {}

-- Composition and interaction Vega-Lite has and a single chart does not.
M.UNSUPPORTED = {
  concat = "concatenated views", hconcat = "concatenated views", vconcat = "concatenated views",
  ["repeat"] = "repeated views", facet = "a top-level facet (use encoding.row/column)",
  projection = "map projections", spec = "a nested view spec",
}

-- A spec is read as Vega-Lite when it has a `mark` or a `layer`, one of the composition keys
-- above, or a Vega-Lite `$schema`.
function M.is_vegalite(spec)
  if type(spec) ~= "table" then return false end
  if spec.mark ~= nil or spec.layer ~= nil then return true end
  for k in pairs(M.UNSUPPORTED) do if spec[k] ~= nil then return true end end
  local schema = spec["$schema"]
  return type(schema) == "string" and schema:find("vega-lite", 1, true) ~= nil
end

return M
