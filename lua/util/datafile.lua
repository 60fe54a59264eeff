-- Data files: a Lua table literal (a theme, the synthesis vocabulary) read text-only and run
-- in an empty environment, so a data file can never reach anything. Paths are relative to
-- CHARTD_HOME under the host, else to the working directory (busted runs from the root).
local M = {}

M.home = (function()
  local ok, host = pcall(require, "chartd.host")
  if ok and type(host) == "table" and host.home then return host.home end
  return "."
end)()

-- The path of a file or folder under CHARTD_HOME ("themes", "lua/synth/kinds.lua").
function M.path(rel)
  if M.home == "." then return rel end
  return M.home .. "/" .. rel
end

-- load(path, max_bytes) → the table the file returns | nil, "path: message". A missing
-- file is nil with no message, so a caller can tell "absent" from "broken".
function M.load(path, max_bytes)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read(max_bytes + 1)
  f:close()
  if text and #text > max_bytes then
    return nil, string.format("%s: larger than %d bytes", path, max_bytes)
  end
  local chunk, err = load(text or "", "=" .. path, "t", {})
  if not chunk then return nil, err end
  local ok, t = pcall(chunk)
  if not ok then return nil, path .. ": " .. tostring(t) end
  if type(t) ~= "table" then return nil, path .. ": the file must return a table" end
  return t
end

return M
