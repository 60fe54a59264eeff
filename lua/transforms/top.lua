-- {"top": n, "groupby": [field, …], "field": F, "op": "sum", "order": "descending"}: keeps the
-- records of the n groups with the largest (or, "ascending", the smallest) op(F) — "top 5
-- regions by sales". op is one of data.transform's aggregates; "count" needs no field. A chartd
-- step (Vega-Lite spells it as window + filter); whole groups are kept, so an aggregate drawn
-- afterwards sees them unchanged.
local errors = require "util.errors"
local json = require "util.json"
local transform = require "data.transform"

local M = {}

M.KEYS = { field = true, groupby = true, op = true, order = true, top = true }
M.MAX = 1000

local function bad(path, msg) error(errors.new("invalid_spec", path, msg)) end

local function key_of(r, groupby)
  local parts = {}
  for i, g in ipairs(groupby) do
    local v = r[g]
    parts[i] = v == nil and "\0" or (type(v) .. ":" .. tostring(v))
  end
  return table.concat(parts, "\1")
end

function M.apply(records, t, path, _)
  for k in pairs(t) do
    if not M.KEYS[k] then bad(path .. "." .. tostring(k), "unknown key; a top step has field, groupby, op, order, top") end
  end
  local n = t.top
  if type(n) ~= "number" or n ~= math.floor(n) or n < 1 or n > M.MAX then
    bad(path .. ".top", ("must be a whole number from 1 to %d"):format(M.MAX))
  end
  local groupby = t.groupby
  if type(groupby) == "string" then groupby = { groupby } end
  if type(groupby) ~= "table" or #groupby == 0 then bad(path .. ".groupby", "must name the column(s) whose groups are ranked") end
  for i, g in ipairs(groupby) do
    if type(g) ~= "string" then bad(("%s.groupby[%d]"):format(path, i - 1), "must be a column name") end
  end
  local field = t.field ~= json.null and t.field or nil
  local op = t.op or (field and "sum" or "count")
  if op == "average" then op = "mean" end
  local known = false
  for _, o in ipairs(transform.OPS) do if o == op then known = true end end
  if not known then bad(path .. ".op", "must be one of " .. table.concat(transform.OPS, ", ")) end
  if op ~= "count" and type(field) ~= "string" then bad(path .. ".field", ('op "%s" needs a field'):format(op)) end
  -- a column no record has is a typo, not an empty group
  local seen, names = {}, {}
  for i = 1, math.min(#records, 1000) do
    for k in pairs(records[i]) do if not seen[k] then seen[k] = true; names[#names + 1] = k end end
  end
  table.sort(names)
  local function known(f, p)
    if #records > 0 and not seen[f] then
      error(errors.new("unknown_field", p, ('no column "%s"; columns are %s'):format(f, table.concat(names, ", "))))
    end
  end
  for i, g in ipairs(groupby) do known(g, ("%s.groupby[%d]"):format(path, i - 1)) end
  if field then known(field, path .. ".field") end
  local order = t.order or "descending"
  if order ~= "descending" and order ~= "ascending" then bad(path .. ".order", 'must be "descending" or "ascending"') end

  local groups, list = {}, {}
  for _, r in ipairs(records) do
    local k = key_of(r, groupby)
    local g = groups[k]
    if not g then
      g = { key = k, values = {}, rows = 0 }
      groups[k] = g
      list[#list + 1] = g
    end
    g.rows = g.rows + 1
    local v = field and tonumber(r[field])
    if v then g.values[#g.values + 1] = v end
  end
  local numeric = false
  for _, g in ipairs(list) do
    g.value = (op == "count" and not field) and g.rows or transform.aggregate(g.values, op)
    numeric = numeric or #g.values > 0
  end
  if field and op ~= "count" and #records > 0 and not numeric then
    bad(path .. ".field", ('"%s" holds no numbers; %s needs numbers'):format(field, op))
  end
  table.sort(list, function(a, b)
    local x, y = a.value, b.value
    if x == nil then return false elseif y == nil then return true end
    if x == y then return a.key < b.key end
    if order == "descending" then return x > y end
    return x < y
  end)
  local keep = {}
  for i = 1, math.min(n, #list) do keep[list[i].key] = true end
  local out = json.array({})
  for _, r in ipairs(records) do
    if keep[key_of(r, groupby)] then out[#out + 1] = r end
  end
  return out
end

return M
