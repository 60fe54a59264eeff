-- The render cache of spec requests: the key (which is also the image's ETag) and the entries,
-- kept through chartd.cache (src/render_cache.c: in memory, CHARTD_CACHE_MB; off in the CLI
-- and in busted, where get finds nothing).
--
-- A request is cacheable when its answer depends on nothing but itself and the code: a spec
-- (no prompt, which a planner reads), with data of its own (a WebSocket conversation's data
-- could fill a spec that has none) and none by reference (a Vega-Lite data.url reads a file
-- that may change). The key is SHA-256 of the spec with the request's overrides applied, in
-- canonical form (keys sorted, 1 and 1.0 alike), the scene flag, chartd's version and commit
-- and the digest of the scripts serving it: a changed script or build never serves an old image.
local cache = require "chartd.cache"
local shared_cache = require "shared_cache"
local json = require "util.json"

local M = {}

-- Bumped when what an entry holds changes shape.
local LAYOUT = "chartd render cache 1"

local function refers_to_data(t, depth)
  if type(t) ~= "table" or depth > 64 then return false end
  if t.url ~= nil then return true end
  for _, v in pairs(t) do
    if refers_to_data(v, depth + 1) then return true end
  end
  return false
end

-- The key of a chart.request (parsed), or nil when its answer is not to be reused.
function M.key(msg)
  if msg.prompt ~= nil or type(msg.spec) ~= "table" then return nil end
  local host = require "chartd.host"
  if not host.scripts then return nil end -- a state built from no generation (the CLI)
  local spec = {}
  for k, v in pairs(msg.spec) do spec[k] = v end
  for _, k in ipairs(require("agent").OVERRIDES) do
    if msg[k] ~= nil then spec[k] = msg[k] end
  end
  if msg.data ~= nil then spec.data = msg.data end
  if spec.data == nil or spec.data == json.null or refers_to_data(spec, 0) then return nil end
  local ok, key = pcall(cache.key, LAYOUT, host.version, host.commit or "", host.scripts, spec, msg.scene == true)
  return ok and key or nil
end

-- The entity tag of the image a key stands for (the host quotes it: ETag: "…").
function M.etag(key)
  return key:sub(1, 40)
end

-- True when an If-None-Match header (a list of tags, or *) names etag. Weak tags compare
-- by their opaque part (RFC 9110 13.1.2: If-None-Match uses the weak comparison).
function M.matches(header, etag)
  if type(header) ~= "string" then return false end
  if header:match("^%s*%*%s*$") then return true end
  for tag in header:gmatch('"([^"]*)"') do
    if tag == etag then return true end
  end
  return false
end

-- The render result kept under key: everything pipeline.render returned but its timings,
-- as one JSON line, then the image bytes. With REDIS_URL also in Redis, for the other replicas.
function M.put(key, result)
  if not key or not (cache.enabled() or shared_cache.enabled()) then return end
  local meta = {}
  for k, v in pairs(result) do
    if k ~= "bytes" and k ~= "timings_ms" then meta[k] = v end
  end
  local head = json.encode(meta)
  if head then
    local entry = head .. "\n" .. result.bytes
    cache.put(key, entry)
    shared_cache.put(key, entry)
  end
end

-- The result kept under key, as pipeline.render returned it (timings_ms empty: nothing was
-- drawn), or nil. This process's cache first; on a miss Redis, whose entry is then kept here.
function M.get(key)
  if not key then return nil end
  local entry = cache.get(key)
  if not entry then
    entry = shared_cache.get(key)
    if not entry then return nil end
    cache.put(key, entry)
  end
  local nl = entry:find("\n", 1, true)
  local meta = nl and json.decode(entry:sub(1, nl - 1))
  if type(meta) ~= "table" then return nil end
  meta.bytes = entry:sub(nl + 1)
  meta.timings_ms = {}
  return meta
end

return M
