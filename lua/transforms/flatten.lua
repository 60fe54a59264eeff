-- {"flatten": ["a", "b"], "as": [...]}: a record whose fields hold arrays becomes one record
-- per array item (arrays of one record zipped, missing items null).
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

function M.apply(records, t, path)
  local fields = type(t.flatten) == "table" and t.flatten or {}
  local as = type(t.as) == "table" and t.as or {}
  local out = json.array({})
  for _, r in ipairs(records) do
    local n = 0
    for _, f in ipairs(fields) do
      if type(r[f]) == "table" and r[f] ~= json.null then n = math.max(n, #r[f]) end
    end
    for i = 1, n do
      local copy = ops.copy(r)
      for j, f in ipairs(fields) do
        local arr = r[f]
        local v = type(arr) == "table" and arr[i]
        if v == nil or v == false and type(arr) ~= "table" then v = json.null end
        copy[as[j] or f] = v
      end
      out[#out + 1] = copy
    end
    require("transforms").check_rows(#out, path)
  end
  return out
end

return M
