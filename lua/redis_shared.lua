-- What the modules keeping state in Redis share (lua/session_store.lua, lua/shared_cache.lua,
-- lua/rate_limit.lua): the host's settings, the chartd.redis binding when REDIS_URL is set and
-- this is a server's worker state (nil otherwise: the CLI, busted), and their metrics.
local M = {}

function M.config()
  local ok, cfg = pcall(require, "chartd.config")
  return ok and type(cfg) == "table" and cfg or {}
end

function M.redis()
  if not M.config().redis then return nil end
  local ok, r = pcall(require, "chartd.redis")
  return ok and r or nil
end

-- metrics[name](...) when the metrics binding is there (server states only).
function M.count(name, ...)
  local ok, metrics = pcall(require, "chartd.metrics")
  if ok then metrics[name](...) end
end

return M
