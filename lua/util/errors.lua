-- Client-facing error values: a stable code, the JSON path of the problem, and
-- a message that already names the path, so callers can show it as is.
local M = {}

-- The closed list of codes this module's callers use; kept here so a typo in a
-- code is caught in tests rather than shipped to clients.
M.codes = {
  invalid_spec = true, unknown_chart_type = true, unknown_theme = true,
  unknown_field = true, invalid_data = true, invalid_json = true,
  missing_encoding = true,
}

local mt = { __name = "chartd.error", __tostring = function(e) return e.message end }

function M.new(code, path, message)
  assert(type(code) == "string", "errors.new: code must be a string")
  assert(type(message) == "string", "errors.new: message must be a string")
  local full = message
  if path and path ~= "" then full = path .. ": " .. message end
  return setmetatable({ code = code, path = path, message = full }, mt)
end

function M.is(e)
  return getmetatable(e) == mt
end

return M
