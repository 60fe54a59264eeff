-- Values of a quantitative channel split by a category channel, for the
-- distribution charts (violin, strip, density): groups in first-seen order,
-- or in the order encoding.<cat>.sort gives; one group when there is no category.
local describe = require "charts.shared.describe"
local transform = require "data.transform"
local values = require "charts.shared.values"

local M = {}

local function label_of(k)
  if type(k) == "number" then return describe.number_text(k) end
  return tostring(k)
end

-- M.split(spec, value_channel, cat_channel) → { {key=, label=, values = {...}, rows = {...}}, ... }
-- Rows whose value is missing are left out; a missing category is "(missing)".
-- The value channel must be quantitative (or temporal when allow_temporal).
function M.split(spec, value_channel, cat_channel, allow_temporal)
  local df, enc = spec.data, spec.encoding
  local venc = enc[value_channel]
  local vcol = values.measure(spec, value_channel, ("%s charts"):format(spec.type or "these"),
    { allow_temporal = allow_temporal })
  local cenc = enc[cat_channel]
  local ccol = cenc and cenc.field and df.columns[cenc.field]
  local by, list = {}, {}
  local single = venc.title or venc.field
  for i = 1, df.nrows do
    local v = vcol[i]
    if v ~= nil then
      local k = single
      if ccol then
        k = ccol[i]
        if k == nil then k = "(missing)" end
      end
      local g = by[k]
      if not g then
        g = { key = k, label = label_of(k), values = {}, rows = {} }
        by[k] = g
        list[#list + 1] = g
      end
      g.values[#g.values + 1] = v
      g.rows[#g.rows + 1] = i
    end
  end
  local sort = cenc and cenc.sort
  if type(sort) == "table" then
    local rank = {}
    for i, v in ipairs(sort) do rank[tostring(v)] = i end
    for i, g in ipairs(list) do g.rank = rank[g.label] or (#sort + i) end
    transform.sort(list, "rank", "ascending")
  elseif sort == "ascending" or sort == "descending" or sort == "x" or sort == "-x" then
    transform.sort(list, "key", (sort == "descending" or sort == "-x") and "descending" or "ascending")
  elseif ccol and cenc.type ~= "nominal" and cenc.type ~= "ordinal" then
    transform.sort(list, "key", "ascending")
  end
  return list
end

return M
