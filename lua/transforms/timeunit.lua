-- {"timeUnit": "yearmonth", "field": "date", "as": "month_date"}: each record gains the start of
-- the Vega-Lite time unit its date falls in (data.timeunit), as ISO text.
local errors = require "util.errors"
local expression = require "transforms.expression"
local frame = require "data.frame"
local json = require "util.json"
local timeunit = require "data.timeunit"

local M = {}

function M.apply(records, t, path)
  local unit = t.timeUnit
  if type(unit) == "table" then unit = unit.unit end
  if not timeunit.valid(unit) then
    error(errors.new("invalid_spec", path .. ".timeUnit", ('"%s" is not a time unit; units are %s'):format(
      tostring(unit), table.concat(timeunit.NAMES, ", "))))
  end
  local field = t.field
  if type(field) ~= "string" then error(errors.new("invalid_spec", path .. ".field", "needs the date field")) end
  local as = t.as or (unit .. "_" .. field)
  if type(as) == "table" then as = as[1] end
  local parts = timeunit.parts(unit)
  for _, r in ipairs(records) do
    local ms = expression.to_ms(r[field])
    if ms then
      r[as] = frame.format_date(timeunit.floor(ms / 1000, parts), "datetime")
    else
      r[as] = json.null
    end
  end
  return records
end

return M
