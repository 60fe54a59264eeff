-- CHARTD_RATE_LIMIT with REDIS_URL: chart requests a minute per client (ctx.client: its API key's
-- slot, else its session), counted in Redis so the limit holds across every replica. A sorted
-- set per client holds the times of its allowed requests in the last minute (Redis's clock, one
-- for all replicas): an exact sliding window. While Redis is down the host's in-process window
-- stands in (ctx.limit_here), so the limit then holds per replica. Without Redis the service
-- thread counts in-process itself (src/rate_window.c) and this module is not asked.
local shared = require "redis_shared"

local M = {}

M.WINDOW_MS = 60000
M.PREFIX = "chartd:ratelimit:"

-- KEYS[1] the client's set; ARGV window ms, limit, a unique member. → {1, 0} allowed, or
-- {0, ms until the oldest request leaves the window}.
M.SCRIPT = [[
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now)}
]]

local function count(scope, outcome)
  shared.count("rate_limit", scope, outcome)
end

-- true, or false and the ms after which the client may try again.
function M.admit(ctx, cfg)
  local limit = cfg.rate_limit or 0
  if limit <= 0 or not cfg.redis or ctx.mode ~= "ws" or type(ctx.client) ~= "string" then return true end
  local redis = shared.redis()
  local replies = redis and redis.call({ "EVAL", M.SCRIPT, "1", M.PREFIX .. ctx.client, tostring(M.WINDOW_MS),
    tostring(limit), ("%d:%.0f:%d"):format(ctx.worker or 0, require("chartd.clock").now_ms() * 1000,
    math.random(0, 0x7fffffff)) }) or nil
  local answer = replies and replies[1]
  if type(answer) == "table" and not answer.err and answer[1] ~= nil then
    local allowed = answer[1] == 1
    count("cluster", allowed and "allowed" or "limited")
    return allowed, not allowed and math.floor(answer[2]) or nil
  end
  local allowed, wait = ctx.limit_here(limit)
  count("replica", allowed and "allowed" or "limited")
  return allowed, wait
end

return M
