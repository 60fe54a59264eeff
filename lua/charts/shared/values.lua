-- Input checks shared by the charts: a channel drawn as a number must hold numbers (a
-- quantitative field, or a count), and the part-of-whole charts' values must be ≥ 0; each
-- error names the JSON path (and the row, counted from 1 as people count) a user has to fix.
local errors = require "util.errors"

local M = {}

-- The column of a channel the chart draws as numbers (lengths, angles, areas, positions on a
-- linear axis); raises invalid_spec when the channel is not quantitative, or is a bare count
-- (unless allow_count: then the column is nil and the caller counts rows). allow_temporal
-- lets dates through for charts that place them on a time axis.
function M.measure(spec, channel, what, opts)
  opts = opts or {}
  local enc = spec.encoding[channel]
  local path = "encoding." .. channel
  if not enc then return nil end
  if opts.allow_count and enc.aggregate == "count" then return enc.field and spec.data.columns[enc.field] end
  if not enc.field then
    error(errors.new("invalid_spec", path .. ".field", string.format(
      "%s need a field with numbers here; a bare count has no values to draw", what)))
  end
  -- The column's stored type, not the channel's: an aggregate makes a channel quantitative
  -- but leaves text cells text.
  local stored = spec.data.types[enc.field]
  local function fits(t) return t == "quantitative" or (opts.allow_temporal and t == "temporal") end
  if not fits(stored) then
    -- the declared type when that is what is wrong, else the field (text under a count)
    error(errors.new("invalid_spec", path .. (fits(enc.type) and ".field" or ".type"), string.format(
      '%s need a quantitative field%s; "%s" is %s', what, opts.allow_temporal and " (or a temporal one)" or "",
      enc.field, tostring(stored))))
  end
  return spec.data.columns[enc.field]
end

-- The column of a channel read as keys (categories, periods, positions): it needs a field.
function M.category(spec, channel, what)
  local enc = spec.encoding[channel]
  if not enc then return nil end
  if not enc.field then
    error(errors.new("invalid_spec", "encoding." .. channel .. ".field", string.format(
      "%s need a field here; a bare count has no keys", what)))
  end
  return spec.data.columns[enc.field]
end

-- Raises invalid_data for the first negative value in encoding[channel]'s column (and
-- invalid_spec, through M.measure, when that channel holds no numbers).
function M.nonnegative(spec, channel, what)
  local enc = spec.encoding[channel]
  if not enc or not enc.field then return end
  M.measure(spec, channel, what)
  local col = spec.data.columns[enc.field]
  for i = 1, spec.data.nrows do
    local v = col[i]
    if type(v) == "number" and v < 0 then
      error(errors.new("invalid_data", "encoding." .. channel .. ".field", string.format(
        "%s need values ≥ 0; row %d has %s in %q", what, i,
        require("charts.shared.describe").number_text(v), enc.field))) -- lazy: describe needs series, series us
    end
  end
end

-- Text of a category key (numbers as numbers, missing as "(missing)").
function M.key_text(v)
  if v == nil then return "(missing)" end
  if type(v) == "number" then return require("charts.shared.describe").number_text(v) end
  return tostring(v)
end

return M
