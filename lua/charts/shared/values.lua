-- Input checks shared by the part-of-whole charts (treemap, sunburst,
-- funnel, sankey, rose): values must be ≥ 0, and the error names the row a
-- user has to fix (rows counted from 1, as people count).
local errors = require "util.errors"
local describe = require "charts.shared.describe"

local M = {}

-- Raises invalid_data for the first negative value in encoding[channel]'s column.
function M.nonnegative(spec, channel, what)
  local enc = spec.encoding[channel]
  if not enc or not enc.field then return end
  local col = spec.data.columns[enc.field]
  for i = 1, spec.data.nrows do
    local v = col[i]
    if type(v) == "number" and v < 0 then
      error(errors.new("invalid_data", "encoding." .. channel .. ".field", string.format(
        "%s need values ≥ 0; row %d has %s in %q", what, i, describe.number_text(v), enc.field)))
    end
  end
end

-- Text of a category key (numbers as numbers, missing as "(missing)").
function M.key_text(v)
  if v == nil then return "(missing)" end
  if type(v) == "number" then return describe.number_text(v) end
  return tostring(v)
end

return M
