-- A data file for the commands' --data option: CSV text, or JSON (an array of records, or an
-- object as a spec's "data" is written: {"values": ...}, {"columns": ..., "rows": ...}).
local files = require "util.files"
local json = require "util.json"

local M = {}

-- JSON when the name says so or the text opens like JSON ({ or [ after blanks or a BOM).
local function looks_json(path, text)
  if path:lower():match("%.json$") then return true end
  local first = text:gsub("^\239\187\191", ""):match("^%s*(.)")
  return first == "{" or first == "["
end

-- M.read(path) → data for a spec (a CSV string or a table) | nil, "path: message"
function M.read(path)
  local text, err = files.read(path)
  if not text then return nil, err end
  if not looks_json(path, text) then return text end
  local data, jerr = json.decode(text)
  if data == nil then return nil, ("%s: %s"):format(path, jerr) end
  if type(data) ~= "table" then
    return nil, ("%s: expected an array of records or an object with values, or columns and rows"):format(path)
  end
  if json.is_array(data) or data[1] ~= nil then return { values = data } end
  return data
end

return M
