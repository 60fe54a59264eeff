-- {"aggregate": [{"op": "sum", "field": "b", "as": "sum_b"}], "groupby": ["a"]}: one record
-- per group with its group fields and the aggregated values.
local errors = require "util.errors"
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

-- Reads [{op, field, as}] → list of { op, field, as }, checking the ops.
function M.measures(list, path)
  if type(list) ~= "table" then error(errors.new("invalid_spec", path, "must be an array of {op, field, as}")) end
  local out = {}
  for i, a in ipairs(list) do
    local p = ("%s[%d]"):format(path, i - 1)
    local op = type(a) == "table" and a.op
    if op == "average" then op = "mean" end
    if not ops.known(op) then
      error(errors.new("invalid_spec", p .. ".op", ("unknown aggregate %s; ops are %s"):format(
        type(op) == "string" and ('"' .. op .. '"') or "(none)", table.concat(ops.NAMES, ", "))))
    end
    out[i] = { op = op, field = a.field, as = a.as or ops.default_name(op, a.field) }
  end
  return out
end

function M.apply(records, t, path)
  local measures = M.measures(t.aggregate, path .. ".aggregate")
  local groupby = type(t.groupby) == "table" and t.groupby or {}
  local out = json.array({})
  local groups = ops.group(records, groupby)
  if #groupby == 0 and #groups == 0 then groups = { { rows = {}, first = {} } } end
  for _, g in ipairs(groups) do
    local values = {}
    for _, m in ipairs(measures) do values[m.as] = ops.compute(m.op, g.rows, m.field) end
    out[#out + 1] = ops.group_record(groupby, g, values)
  end
  return out
end

return M
