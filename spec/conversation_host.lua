-- A conversation as the host keeps it, for specs: state text and data bytes per connection
-- (src/conversations.c, played by a table with the same ctx.recall/ctx.remember interface), and
-- one turn run the way lua/service.lua runs it: plan, then keep the chart and any new data.
local agent = require "agent"
local conversation = require "conversation"
local json = require "util.json"

local M = {}

function M.host()
  local store = {}
  local ctx = { mode = "ws" }
  function ctx.recall(with_data)
    return { state = store.state, data = with_data and store.data or nil, has_data = store.data ~= nil,
      data_bytes = store.data and #store.data or 0, evicted = store.evicted or false,
      evicted_bytes = store.evicted_bytes or 0 }
  end
  function ctx.remember(state, data)
    store.state = state
    if data then store.data, store.evicted = data, false end
    return "ok"
  end
  return ctx, store
end

function M.turn(ctx, request, config)
  local conv = conversation.open(ctx)
  local text = json.encode(request)
  local spec, info, failed = agent.plan(request, { conversation = conv, config = config or {} })
  local keep = spec and info.keep_data or failed and failed.keep_data
  if keep then
    keep.bytes = keep.bytes or text
    conv:save(conv.spec, keep, conv.intent)
  end
  if spec then conv:save(spec, nil, info.intent or conv.intent) end
  return spec, info
end

return M
