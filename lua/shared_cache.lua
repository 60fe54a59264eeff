-- The render cache's copy in Redis (REDIS_URL), so a chart drawn by one replica is a hit on
-- every other: the same keys as this process's cache (lua/render_cache.lua), under
-- chartd:render:<key>, each with CHARTD_REDIS_CACHE_TTL (0: nothing shared). Entries over
-- CHARTD_REDIS_CACHE_MAX_KB stay in this process only; past that Redis's own maxmemory policy
-- decides (docs/deploy.md: volatile-ttl drops these short-lived entries before sessions).
-- The in-memory cache stays in front: Redis is asked only after it missed. Without Redis, or
-- while it is down or slow, get finds nothing and put does nothing (counted, never raised).
local shared = require "redis_shared"

local M = {}

M.PREFIX = "chartd:render:"

function M.enabled()
  return (shared.config().redis_cache_ttl_s or 0) > 0 and shared.redis() ~= nil
end

local function count(outcome)
  shared.count("shared_cache", outcome)
end

-- The bytes kept under key by any replica, or nil.
function M.get(key)
  if not M.enabled() then return nil end
  local replies = shared.redis().call({ "GET", M.PREFIX .. key })
  local value = replies and replies[1]
  if type(value) == "string" then
    count("hit")
    return value
  end
  count(value == false and "miss" or "failed")
  return nil
end

function M.put(key, bytes)
  if not M.enabled() then return end
  local cfg = shared.config()
  if #bytes > (cfg.redis_cache_max_bytes or math.huge) then
    count("too_large")
    return
  end
  local replies = shared.redis().call({ "SET", M.PREFIX .. key, bytes, "EX", tostring(cfg.redis_cache_ttl_s) })
  local ok = replies and replies[1] and not (type(replies[1]) == "table" and replies[1].err)
  count(ok and "stored" or "failed")
end

return M
