-- {"sample": n}: at most n records. Vega draws a random sample; chartd keeps every k-th
-- record instead, so a chart is the same on every render.
local json = require "util.json"

local M = {}

function M.apply(records, t, path, ctx)
  local n = math.floor(tonumber(t.sample) or 1000)
  if #records <= n then return records end
  ctx.warn(path .. ".sample", "an evenly spaced sample is drawn, not a random one")
  local out = json.array({})
  for i = 1, n do out[i] = records[math.floor((i - 1) * #records / n) + 1] end
  return out
end

return M
