-- Resumable sessions in Redis (REDIS_URL): the conversation a session holds (lua/conversation.lua's
-- state text and the data bytes the user sent), kept under one hash per session,
-- chartd:session:<token>, with CHARTD_SESSION_TTL and at most CHARTD_SESSION_MAX_KB of state and
-- data (past it the data is left out and the session says how big it was, so the follow-up
-- that needs it asks for it again). This process's store (src/conversations.c, ctx.recall /
-- ctx.remember) stays in front: Redis is read only when it holds nothing for the session, which
-- is the case on a replica the session just moved to. Without Redis, or while it is down,
-- every function here does nothing and the session lives in this process alone.
local shared = require "redis_shared"

local M = {}

M.PREFIX = "chartd:session:"

local function enabled(ctx)
  return type(ctx) == "table" and type(ctx.session) == "string" and shared.redis() ~= nil
end

function M.key(token)
  return M.PREFIX .. token
end

-- Copies the session from Redis into this process's store when Redis has it. Returns true
-- when something was restored.
function M.restore(ctx)
  if not enabled(ctx) then return false end
  local replies, why = shared.redis().call({ "HMGET", M.key(ctx.session), "state", "data", "evicted_bytes" })
  if not replies or type(replies[1]) ~= "table" or replies[1].err then
    if why ~= "off" then shared.count("session", "restore_failed") end
    return false
  end
  local state, data, evicted = replies[1][1], replies[1][2], tonumber(replies[1][3])
  if type(state) ~= "string" then return false end
  ctx.remember(state, type(data) == "string" and data or nil, evicted and evicted > 0 and evicted or nil)
  shared.count("session", "resumed")
  return true
end

-- Writes the session's state (and its data, when it changed: bytes not nil) to Redis, and
-- renews its TTL.
function M.save(ctx, state, bytes)
  if not enabled(ctx) then return end
  local cfg, key = shared.config(), M.key(ctx.session)
  local write
  if bytes == nil then
    write = { "HSET", key, "state", state }
  elseif #state + #bytes <= (cfg.session_max_bytes or math.huge) then
    write = { "HSET", key, "state", state, "data", bytes, "evicted_bytes", "0" }
  else
    write = { "HSET", key, "state", state, "data", "", "evicted_bytes", tostring(#bytes) }
    shared.count("session", "data_dropped")
  end
  local replies = shared.redis().call(write, { "EXPIRE", key, tostring(cfg.session_ttl_s or 86400) })
  local failed = not replies or (type(replies[1]) == "table" and replies[1].err)
  shared.count("session", failed and "store_failed" or "stored")
end

return M
