-- Client-facing error values: a stable code, the JSON path of the problem, and
-- a message that already names the path, so callers can show it as is.
local M = {}

-- (The codes themselves are the one error table's, src/errors.c: spec/errors_spec.lua fails on
-- any other.)

-- Finite data whose sum, span or bin edges leave the double range (1e308 + 1e308 is inf): the
-- data's size, not a bug.
M.BEYOND_RANGE = "the values are too large to draw: their sum or span is beyond ±1.8e308; scale the data down"

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
