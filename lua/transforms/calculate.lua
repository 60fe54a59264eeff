-- {"calculate": "expression", "as": "name"}: a new field on every record.
local errors = require "util.errors"
local expression = require "transforms.expression"
local json = require "util.json"

local M = {}

-- An expression's value as a record keeps it: dates as ISO text, NaN/undefined as null.
function M.store(v)
  if v == nil or (type(v) == "number" and (v ~= v or v == math.huge or v == -math.huge)) then return json.null end
  if expression.is_date(v) then
    if v.ms ~= v.ms then return json.null end
    return require("data.frame").format_date(v.ms / 1000, "datetime")
  end
  return v
end

function M.apply(records, t, path)
  local fn, err = expression.compile(t.calculate)
  if not fn then error(errors.new("invalid_spec", path .. ".calculate", "expression: " .. tostring(err))) end
  if type(t.as) ~= "string" or t.as == "" then
    error(errors.new("invalid_spec", path .. ".as", "needs the new field's name"))
  end
  for _, r in ipairs(records) do r[t.as] = M.store(fn(r)) end
  return records
end

return M
