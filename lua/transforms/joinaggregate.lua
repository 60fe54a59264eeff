-- {"joinaggregate": [{op, field, as}], "groupby": [...]}: every record keeps its fields and
-- gains its group's aggregated values.
local aggregate = require "transforms.aggregate"
local ops = require "transforms.ops"

local M = {}

function M.apply(records, t, path)
  local measures = aggregate.measures(t.joinaggregate, path .. ".joinaggregate")
  local groupby = type(t.groupby) == "table" and t.groupby or {}
  for _, g in ipairs(ops.group(records, groupby)) do
    for _, m in ipairs(measures) do
      local v = ops.compute(m.op, g.rows, m.field)
      for _, r in ipairs(g.rows) do r[m.as] = v end
    end
  end
  return records
end

return M
