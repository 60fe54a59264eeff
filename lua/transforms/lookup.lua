-- {"lookup": "key", "from": {"data": {...}, "key": "id", "fields": [...]}, "as": ..., "default": v}:
-- each record gains fields of the record in `from` whose key matches (inline data, a named
-- dataset, or a file in the data folder).
local errors = require "util.errors"
local json = require "util.json"

local M = {}

function M.apply(records, t, path, ctx)
  local from = t.from
  if type(from) ~= "table" or type(from.data) ~= "table" or type(from.key) ~= "string" then
    error(errors.new("invalid_spec", path .. ".from", "needs {\"data\": {...}, \"key\": \"field\"}"))
  end
  if from.param ~= nil then
    error(errors.new("invalid_spec", path .. ".from.param", "lookups of selections are not supported"))
  end
  local secondary = require("vegalite.data").records(from.data, ctx, path .. ".from.data")
  local index = {}
  for _, r in ipairs(secondary) do
    local k = r[from.key]
    if k ~= nil and index[tostring(k)] == nil then index[tostring(k)] = r end
  end
  local fields = from.fields
  local as = t.as
  local default = t.default == nil and json.null or t.default
  for _, r in ipairs(records) do
    local k = r[t.lookup]
    local hit = k ~= nil and index[tostring(k)] or nil
    if type(fields) == "table" then
      for i, f in ipairs(fields) do
        local name = type(as) == "table" and as[i] or f
        local v = hit and hit[f]
        if v == nil then v = default end
        r[name] = v
      end
    else
      r[type(as) == "string" and as or "lookup"] = hit or default
    end
  end
  return records
end

return M
