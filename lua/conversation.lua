-- A WebSocket conversation's memory: the chart on screen (its spec, without data), the charts
-- before it (for "undo"), and the data they are drawn on. The host keeps both per connection
-- (src/conversations.c) under CHARTD_CONVERSATION_MB: the state as JSON text, the data as the
-- bytes the client sent (the request message itself, so nothing is re-encoded), dropped
-- least-recently-used first when conversations together pass the budget.
-- ctx.recall(with_data) / ctx.remember(state [, bytes]) are the host's side (src/request_ctx.c);
-- with REDIS_URL, lua/session_store.lua keeps a copy in Redis, so the session resumes on any
-- replica (docs/protocol.md "Sessions").
local digest = require "chartd.digest"
local frame = require "data.frame"
local json = require "util.json"
local session_store = require "session_store"

local M = {}

-- Charts kept for "undo"; the state text (specs without data) stays under STATE_MAX.
M.HISTORY = 20
M.STATE_MAX = 256 * 1024

-- Parsed data by content hash, per worker state: a follow-up on the same data skips parsing.
-- Losing it (a reload builds a new state) only costs one parse.
local cache = { order = {} }
M.CACHE_ENTRIES = 2

local function cache_get(hash)
  return cache[hash]
end

local function cache_put(hash, df)
  if cache[hash] then return end
  local order = cache.order
  order[#order + 1] = hash
  cache[hash] = df
  while #order > M.CACHE_ENTRIES do
    cache[table.remove(order, 1)] = nil
  end
end

-- The content hash of a data value as a request carries it (CSV text, records, columns+rows):
-- equal data gives the same hash whatever its keys' order.
function M.hash(data)
  return digest.value(data)
end

local Conversation = {}
Conversation.__index = Conversation

-- The conversation of ctx's connection, or nil when the request has none (HTTP).
function M.open(ctx)
  if type(ctx) ~= "table" or type(ctx.recall) ~= "function" then return nil end
  local held = ctx.recall(false) or {}
  if not held.state and session_store.restore(ctx) then held = ctx.recall(false) or {} end
  local conv = setmetatable({ ctx = ctx, history = {}, evicted = held.evicted,
    evicted_bytes = held.evicted_bytes, has_data = held.has_data }, Conversation)
  local state = held.state and json.decode(held.state)
  if type(state) == "table" then
    conv.spec = type(state.spec) == "table" and state.spec or nil
    conv.history = type(state.history) == "table" and state.history or {}
    conv.data = type(state.data) == "table" and state.data or nil
    conv.intent = type(state.intent) == "table" and state.intent or nil
    conv.drawn_on = type(state.drawn_on) == "string" and state.drawn_on or nil
  end
  if not conv.has_data then conv.data = nil end
  return conv
end

-- The conversation's data as a frame (a view: validation may retype its columns without
-- touching the cached one), or nil when it holds none.
function Conversation:frame()
  local meta = self.data
  if not meta then return nil end
  local df = cache_get(meta.hash)
  if not df then
    local held = self.ctx.recall(true)
    if not (held and held.data) then return nil end
    local value = held.data
    if meta.kind == "message" or meta.kind == "json" then
      local msg = json.decode(held.data)
      value = msg
      for part in (meta.path or "data"):gmatch("[^.]+") do value = type(value) == "table" and value[part] or nil end
    end
    local err
    df, err = frame.from_data(value, "data")
    if not df then return nil, err end
    cache_put(meta.hash, df)
  end
  return frame.view(df)
end

-- A spec as the conversation keeps it: everything but the data (kept apart), except a Vega-Lite
-- spec's, whose data (values or a url) is part of what it says.
local function without_data(spec)
  local out = {}
  local vl = require("vegalite").is_vegalite(spec)
  for k, v in pairs(spec) do if k ~= "data" or vl then out[k] = v end end
  return out
end

-- Keeps `spec` as the chart on screen (the one before it goes to the history; nil keeps no
-- chart). data, when the chart is drawn on new data: { hash =, bytes =, kind = "message"|"json",
-- path =, synthetic =, seed =, rows = }; bytes go to the host, the rest into the state. intent:
-- what the planner knew of the request behind the chart ({ vague =, stated = {columns} }).
-- Returns the host's answer ("ok" | "over_budget") or nil.
function Conversation:save(spec, data, intent)
  local history = self.history
  -- the data the chart on screen was drawn on: new data saved under the same chart (service.lua
  -- keeps a request's data before its chart is drawn) does not change it
  local on_screen = self.drawn_on or (self.data and self.data.hash) or nil
  if self.spec and spec and spec ~= self.spec then
    history[#history + 1] = { spec = self.spec, data = on_screen }
    while #history > M.HISTORY do table.remove(history, 1) end
  end
  local meta = self.data
  if data then
    -- kind "none": the chart's data is inside its spec (Vega-Lite); the conversation holds none
    meta = data.kind ~= "none" and { hash = data.hash, kind = data.kind, path = data.path,
      synthetic = data.synthetic or nil, seed = data.seed, rows = data.rows } or nil
  end
  local drawn_on
  if spec and spec == self.spec then drawn_on = on_screen else drawn_on = meta and meta.hash or nil end
  local state = { spec = spec and without_data(spec) or nil, history = json.array(history), data = meta,
    intent = intent, drawn_on = drawn_on }
  local text = json.encode(state)
  while text and #text > M.STATE_MAX and #history > 0 do
    table.remove(history, 1)
    text = json.encode(state)
  end
  if not text or #text > M.STATE_MAX then return nil end
  local answer = self.ctx.remember(text, data and data.bytes or nil)
  if answer then
    session_store.save(self.ctx, text, data and data.bytes or nil)
    self.spec, self.data, self.intent, self.drawn_on = state.spec, meta, intent, drawn_on
    if data then
      self.evicted = answer == "over_budget"
      self.has_data = not self.evicted
      if self.evicted then self.evicted_bytes = #data.bytes end
    end
  end
  return answer
end

-- The chart before the current one, when it was drawn on the data the conversation holds now;
-- removes it from the history. nil, reason otherwise.
function Conversation:undo()
  local last = self.history[#self.history]
  if not last then return nil, "there is no earlier chart in this conversation to go back to" end
  if last.data ~= (self.data and self.data.hash or nil) then
    return nil, "the earlier chart was drawn on other data; send that data again to go back to it"
  end
  table.remove(self.history)
  self.spec = nil -- the undone chart is not pushed onto the history again
  return last.spec
end

return M
