-- Table helpers shared by the planner, the gallery command and the specs.
local M = {}

-- A deep copy of t (values that are not tables are returned as they are); metatables are
-- shared, so a json.array stays one.
function M.deep_copy(t)
  if type(t) ~= "table" then return t end
  local out = setmetatable({}, getmetatable(t))
  for k, v in pairs(t) do out[k] = M.deep_copy(v) end
  return out
end

return M
