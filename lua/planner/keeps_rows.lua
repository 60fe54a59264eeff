-- A filter read from a request that keeps no row of the data ("200k+" read as pct ≥ 200000 where
-- pct runs 0.01–0.3) is a misreading, not the user's intent: the chart is drawn without it, and
-- the reply says so (an empty chart, or an error, would lose the request).
local filter = require "transforms.filter"

local M = {}

-- Whether some row of df passes predicate p (nil when it cannot be told).
local function keeps_some(p, df)
  if type(p) ~= "table" then return nil end
  local field = p.field or (type(p["not"]) == "table" and p["not"].field)
  if not (field and df.columns[field]) then return nil end
  if p.timeUnit or df.types[field] == "temporal" or type(p["not"]) == "table" and p["not"].timeUnit then
    -- (dates as the renderer parses them: the transform itself, on the frame)
    local ok, out = pcall(require("transforms").run_on_data, df, { { filter = p } })
    if not ok then return nil end
    return #out.values > 0
  end
  -- (the values as the renderer's filter reads them: numbers as numbers, the rest as written)
  local col = df.types[field] == "quantitative" and df.columns[field] or df.source and df.source[field]
  if not col then return nil end
  local ok, keep = pcall(filter.predicate, p, "transform")
  if not ok then return nil end
  local row = {}
  for i = 1, df.nrows do
    row[field] = col[i]
    local fine, kept = pcall(keep, row)
    if not fine then return nil end
    if kept then return true end
  end
  return false
end

-- Drops the filters of spec.transform that keep no row of df; returns a note for each.
function M.drop_empty(spec, df)
  local notes, kept = {}, {}
  if type(spec.transform) ~= "table" or not df then return notes end
  for _, step in ipairs(spec.transform) do
    if type(step) == "table" and step.filter ~= nil and keeps_some(step.filter, df) == false then
      local field = step.filter.field or step.filter["not"].field
      notes[#notes + 1] = ("no row of the data passes the filter on %s read from the request, so it is left "
        .. "out; say which values to keep"):format(field)
    else
      kept[#kept + 1] = step
    end
  end
  if #notes > 0 then spec.transform = #kept > 0 and kept or nil end
  return notes
end

return M
