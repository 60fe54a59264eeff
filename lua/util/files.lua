-- Reading whole files and writing them atomically (temp file + rename), for the CLI.
local M = {}

-- The whole of path ("-" is stdin), or nil and "path: message".
function M.read(path)
  if path == "-" then
    local text = io.stdin:read("a")
    if not text then return nil, "-: cannot read stdin" end
    return text
  end
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local text, rerr = f:read("a")
  f:close()
  if not text then return nil, ("%s: %s"):format(path, rerr) end
  return text
end

-- Writes bytes to path so that readers see the old file or the whole new one, never
-- a half-written one; on failure nothing is left behind. "-" writes to stdout.
function M.write_atomic(path, bytes)
  if path == "-" then
    io.stdout:write(bytes)
    io.stdout:flush()
    return true
  end
  local tmp = path .. ".partial"
  local f, err = io.open(tmp, "wb")
  if not f then return nil, err end
  local ok, werr = f:write(bytes)
  local closed, cerr = f:close()
  if not ok or not closed then
    os.remove(tmp)
    return nil, ("%s: %s"):format(path, werr or cerr)
  end
  local renamed, rerr = os.rename(tmp, path)
  if not renamed then
    os.remove(tmp)
    return nil, rerr
  end
  return true
end

return M
