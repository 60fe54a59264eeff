-- {"fold": ["a", "b"], "as": ["key", "value"]}: each record becomes one record per folded
-- field, holding the field's name and value.
local errors = require "util.errors"
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

function M.apply(records, t, path)
  local fields = t.fold
  if type(fields) ~= "table" or fields[1] == nil then
    error(errors.new("invalid_spec", path .. ".fold", "must be an array of field names"))
  end
  local as = type(t.as) == "table" and t.as or {}
  local key, value = as[1] or "key", as[2] or "value"
  local out = json.array({})
  for _, r in ipairs(records) do
    for _, f in ipairs(fields) do
      out[#out + 1] = ops.copy(r, { [key] = f, [value] = r[f] == nil and json.null or r[f] })
    end
    require("transforms").check_rows(#out, path)
  end
  return out
end

return M
