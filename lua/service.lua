-- One chart request on a worker: parse and check the message, plan it (lua/agent.lua: LLM or
-- offline planner, follow-up edits, data synthesis), render it through the pipeline with
-- progress messages, answer `chart` or `error`. The worker runs handle() as a coroutine (an
-- LLM call yields it); ctx is the worker's side, described in src/request_ctx.h (emit,
-- respond, checkpoint, deadline_ms, recall/remember for the conversation, ...). The request calls
-- ctx.checkpoint() between its stages and ends cleanly there when it was cancelled or ran out
-- of time; the host also stops a request on its own (src/budget.c) when a script runs past
-- its deadline without reaching a checkpoint, and then answers for it.
--
-- Error codes, their HTTP statuses and retryable flags: the one table in src/errors.c, read
-- here through chartd.errors (docs/protocol.md explains them to clients).
local base64 = require "chartd.base64"
local clock = require "chartd.clock"
local json = require "util.json"
local render_cache = require "render_cache"

local M = {}

M.CODES = require("chartd.errors").CODES

-- Fields a chart.request may carry; the rest is refused so a typo is not silently ignored.
M.REQUEST_FIELDS = { "data", "format", "height", "id", "prompt", "scale", "scene", "seed", "spec", "theme", "type",
  "width" }
local ID_MAX = 128
-- Deepest nesting of objects/arrays a message may have; no spec needs more than
-- a handful, and every recursive walk over the spec stays bounded.
M.MAX_DEPTH = 64

-- True when v nests deeper than limit (stops at the first too-deep branch).
local function too_deep(v, limit)
  if type(v) ~= "table" then return false end
  if limit == 0 then return true end
  for _, x in pairs(v) do
    if too_deep(x, limit - 1) then return true end
  end
  return false
end
local function config()
  local ok, cfg = pcall(require, "chartd.config")
  return ok and cfg or {}
end

-- A request that failed before or during rendering.
local Stop = {}
Stop.__index = Stop
-- detail: what the log gets for an `internal` error (the message is never shown then).
-- suggestions: things that can be said instead (unclear_followup, not_a_chart_request).
local function stop(code, message, path, detail, suggestions)
  return setmetatable({ code = code, message = message, path = path, detail = detail, suggestions = suggestions },
    Stop)
end

local function error_message(id, code, message, path, ref, suggestions, retry_after_ms)
  local entry = M.CODES[code] or M.CODES.internal
  local msg = { type = "error", id = id == nil and json.null or id, code = M.CODES[code] and code or "internal",
    message = message, retryable = entry.retryable, ref = ref, retry_after_ms = retry_after_ms }
  if path and path ~= "" then msg.path = path end
  if type(suggestions) == "table" and #suggestions > 0 then msg.suggestions = json.array(suggestions) end
  return json.encode(msg), entry.status
end

-- An `internal` error (or a code outside the table) is a bug: the details (tracebacks,
-- server paths) go to the log under a reference, the client gets the reference only.
local function send_error(ctx, id, code, message, path, suggestions, retry_after_ms)
  local ref
  if code == "internal" or not M.CODES[code] then
    ref = require("chartd.errors").reference()
    pcall(function()
      require("chartd.log").error("request_failed", { id = id, ref = ref, code = code, error = tostring(message) })
    end)
    code, path = "internal", nil
    message = M.CODES.internal.text:format(ref)
  end
  local text, status = error_message(id, code, message, path, ref, suggestions, retry_after_ms)
  if ctx.mode == "http" then
    ctx.respond(status, "application/json", text)
  else
    ctx.emit(text, true)
  end
end

-- Parses and checks the message; returns the request table or raises a Stop.
local function parse(text, ctx, cfg, state)
  local deep = ("the message nests objects/arrays deeper than the limit of %d levels"):format(M.MAX_DEPTH)
  local msg, err
  if ctx.method == "GET" then -- a chart URL: its query stands for the request
    msg, err = require("chart_url").request(ctx.query)
    if not msg then
      if err.message:find("too many nested data structures", 1, true) then error(stop("invalid_request", deep), 0) end
      error(stop(err.code, err.message, err.path), 0)
    end
  else
    msg, err = json.decode(text)
    -- lua-cjson gives up at 1000 levels, long past the protocol's limit: the same answer as at 65
    if msg == nil and err:find("too many nested data structures", 1, true) then error(stop("invalid_request", deep), 0) end
    if msg == nil then error(stop("invalid_json", err), 0) end
  end
  if too_deep(msg, M.MAX_DEPTH) then error(stop("invalid_request", deep), 0) end
  if type(msg) ~= "table" or json.is_array(msg) or msg[1] ~= nil then
    error(stop("invalid_request", "a message must be a JSON object"), 0)
  end
  local id = msg.id
  if id ~= nil and (type(id) ~= "string" or #id == 0 or #id > ID_MAX) then
    error(stop("invalid_request", ("id: must be a string of 1 to %d characters"):format(ID_MAX), "id"), 0)
  end
  state.id = id -- every later error names the request
  if ctx.mode == "ws" then
    if msg.type == nil then
      error(stop("invalid_request", "type: missing; allowed chart.request, chart.cancel, ping", "type"), 0)
    end
    if msg.type == "ping" then return msg end
    if msg.type == "chart.cancel" then
      error(stop("invalid_request", "id: chart.cancel needs the id of the request to cancel", "id"), 0)
    end
    if msg.type ~= "chart.request" then
      error(stop("invalid_request", ("type: unknown message type %s; allowed chart.request, chart.cancel, ping")
        :format(type(msg.type) == "string" and ('"' .. msg.type .. '"') or tostring(msg.type)), "type"), 0)
    end
    if id == nil then error(stop("invalid_request", "id: missing; every chart.request needs an id string", "id"), 0) end
  elseif msg.type ~= nil and msg.type ~= "chart.request" then
    error(stop("invalid_request", "type: a POST /v1/charts body is a chart.request (type may be left out)", "type"), 0)
  end
  local allowed = {}
  for _, k in ipairs(M.REQUEST_FIELDS) do allowed[k] = true end
  if cfg.test_hooks then allowed.debug = true end
  local names = {}
  for k in pairs(msg) do names[#names + 1] = tostring(k) end
  table.sort(names)
  for _, k in ipairs(names) do
    if not allowed[k] then
      error(stop("invalid_request", ("%s: unknown field; allowed %s")
        :format(k, table.concat(M.REQUEST_FIELDS, ", ")), k), 0)
    end
  end
  if msg.prompt ~= nil and type(msg.prompt) ~= "string" then
    error(stop("invalid_request", "prompt: must be a string", "prompt"), 0)
  end
  if msg.spec ~= nil and (type(msg.spec) ~= "table" or json.is_array(msg.spec) or msg.spec[1] ~= nil) then
    error(stop("invalid_request", "spec: must be an object", "spec"), 0)
  end
  if msg.seed ~= nil and (math.type(msg.seed) ~= "integer" or msg.seed < 0 or msg.seed > 0x7fffffff) then
    error(stop("invalid_request", "seed: must be an integer from 0 to 2147483647", "seed"), 0)
  end
  if msg.scene ~= nil and type(msg.scene) ~= "boolean" then
    error(stop("invalid_request", "scene: must be true or false", "scene"), 0)
  end
  if msg.spec == nil and msg.prompt == nil then
    error(stop("invalid_request", "spec: missing; send a spec (or a prompt)", "spec"), 0)
  end
  return msg
end

-- Test hook (CHARTD_TEST_HOOKS=1 only): a request that spins in Lua, inside a pcall, so
-- tests can prove the host's timeout and cancel reach code that never reaches ctx.checkpoint().
-- {"debug":{"busy_after_ms":N}} spins after the final reply instead (work a request may still do
-- once it answered: a cancel then must neither stop it nor count it as cancelled).
-- {"debug":{"run":"<name>", ...}} runs a canned hostile snippet from tests/e2e/hostile.lua (read
-- through the worker's read-only io.open, loaded as text; the debug table is its argument) to
-- prove the budgets hold.
local function spin(ms)
  local t0 = clock.now_ms()
  pcall(function()
    local x = 0
    while clock.now_ms() - t0 < ms do x = x + 1 end
  end)
end

local function debug_hook(msg, state)
  local d = msg.debug
  if type(d) == "table" and type(d.busy_after_ms) == "number" then state.busy_after_ms = d.busy_after_ms end
  if type(d) == "table" and type(d.run) == "string" then
    local home = require("chartd.host").home
    local f = assert(io.open(home .. "/tests/e2e/hostile.lua", "rb"))
    local text = f:read("a")
    f:close()
    local snippets = assert(load(text, "@tests/e2e/hostile.lua", "t"))()
    return assert(snippets[d.run], "no such hostile snippet")(d)
  end
  if type(d) ~= "table" or type(d.busy_ms) ~= "number" then return end
  spin(d.busy_ms)
end

-- Keeps the chart (and, when it came with them, its data) as the conversation's; the data bytes
-- are the request message itself (lua/conversation.lua). Returns a note when the data could not
-- be kept.
local function remember(conv, spec, info, text)
  if not conv then return nil end
  local keep = info.keep_data
  if keep and not keep.bytes then keep.bytes = text end
  local answer = conv:save(spec, keep, info.intent or (spec == conv.spec and conv.intent or nil))
  if answer == "over_budget" then
    return ("the data (%.1f MB) is more than the server keeps for a conversation (CHARTD_CONVERSATION_MB); "
      .. "send it again with each follow-up"):format(#keep.bytes / 1e6)
  end
  return nil
end

local function run(text, ctx, state)
  local cfg = config()
  local started = clock.now_ms()
  local msg = parse(text, ctx, cfg, state)
  if msg.type == "ping" then
    ctx.emit('{"type":"pong"}', true)
    return "pong"
  end
  local allowed, wait = require("rate_limit").admit(ctx, cfg)
  if not allowed then
    local limited = stop("rate_limited", M.CODES.rate_limited.text:format(cfg.rate_limit))
    limited.retry_after_ms = wait
    error(limited, 0)
  end

  -- The explicit cancellation point between stages.
  local function checkpoint()
    local why = ctx.checkpoint()
    if why then error(stop(why, why == "timeout" and "the request took longer than CHART_GENERATION_TIMEOUT"
      or "the request was cancelled"), 0) end
  end

  local last_pct = -1
  local function progress(stage, pct, message)
    if ctx.mode ~= "ws" then return end
    if pct <= last_pct then pct = last_pct + 1 end -- percentages only rise
    last_pct = pct
    ctx.emit(json.encode { type = "progress", id = msg.id, stage = stage, progress = math.floor(pct),
      message = message or stage, timestamp = clock.iso8601() })
  end

  state.chart_type = type(msg.spec) == "table" and type(msg.spec.type) == "string" and msg.spec.type or nil
  -- A spec request's answer is reused (lua/render_cache.lua); a chart URL whose image the
  -- client holds already is answered 304 before anything is drawn.
  local cache_key = render_cache.key(msg)
  local etag = cache_key and render_cache.etag(cache_key)
  if etag and ctx.method == "GET" and render_cache.matches(ctx.if_none_match, etag) then
    ctx.respond(304, "application/octet-stream", "", { etag = etag })
    return "ok", state.chart_type
  end
  progress("initialization", 5, "request accepted")
  if cfg.test_hooks then debug_hook(msg, state) end

  checkpoint()
  local deadline = ctx.deadline_ms or (started + (cfg.timeout_s or 30) * 1000)
  local conv = ctx.mode == "ws" and require("conversation").open(ctx) or nil
  local spec, info, failed = require("agent").plan(msg, { conversation = conv, config = cfg,
    progress = progress, deadline_ms = deadline })
  -- Data the request brought is the conversation's from now on, whatever becomes of this chart
  -- (a request that cannot be read, or fails to draw, loses nothing).
  local data_note
  local keep = spec and info.keep_data or failed and failed.keep_data
  if keep and conv then
    data_note = remember(conv, conv.spec, { keep_data = keep }, text)
    keep.bytes = nil
  end
  checkpoint()
  if not spec then
    error(stop(info.code or "internal", info.message or "planning failed", info.path, info.detail,
      info.suggestions), 0)
  end
  state.chart_type = type(spec.type) == "string" and spec.type or state.chart_type

  local t_cache = clock.now_ms()
  local result = render_cache.get(cache_key)
  local cached = result ~= nil
  if cached then
    result.timings_ms.total_ms = math.floor((clock.now_ms() - t_cache) * 100 + 0.5) / 100 -- the lookup
    progress("rendering", 60, "the same chart was drawn before: reusing it")
  else
    local err
    result, err = require("pipeline").render(spec, { progress = progress, checkpoint = checkpoint,
      scene = msg.scene == true, note = info.synthetic and require("agent").NOTE or nil })
    if not result then
      error(stop(err.code or "internal", err.message or "rendering failed", err.path, err.detail), 0)
    end
  end
  local max = cfg.max_chart_bytes
  if max and #result.bytes > max then
    error(stop("too_large", ("the encoded image is %d bytes, over MAX_CHART_SIZE_MB (%d bytes)")
      :format(#result.bytes, max)), 0)
  end
  if not cached then render_cache.put(cache_key, result) end

  if conv then
    info.keep_data = nil -- kept above
    remember(conv, spec, info, text)
  end
  if data_note then info.notes[#info.notes + 1] = data_note end

  local timings = {}
  for k, v in pairs(result.timings_ms or {}) do timings[k] = v end
  timings.queue_ms = math.floor((ctx.queued_ms or 0) * 100 + 0.5) / 100

  progress("completion", 100, "done")
  if ctx.mode == "http" and not ctx.accept_json then
    ctx.respond(200, result.mime, result.bytes, etag and { etag = etag,
      filename = ("%s-%s.%s"):format(result.spec.type or "chart", cache_key:sub(1, 8), result.format) })
    return "ok", result.spec.type, timings
  end
  local text_out = M.chart_message(result, {
    id = msg.id, timings_ms = timings, planner = info.planner, synthetic = info.synthetic, seed = info.seed,
    fallback_reason = info.fallback_reason, fallback_detail = info.fallback_detail, llm_calls = info.llm_calls,
    cached = cached or nil, outcome = info.outcome, notes = #info.notes > 0 and json.array(info.notes) or nil,
  }, started)

  if ctx.mode == "http" then
    ctx.respond(200, "application/json", text_out)
  else
    ctx.emit(text_out, true)
  end
  return "ok", result.spec.type, timings
end

-- The `chart` message of a render result (docs/protocol.md): the result's fields, then fields
-- (id, timings_ms, planner, notes, …), the image as base64 last. With started (clock.now_ms()
-- when the request began), timings_ms gets base64_ms and request_ms. `chartd render --json`
-- writes the same message.
function M.chart_message(result, fields, started)
  local t0 = clock.now_ms()
  local b64 = base64.encode(result.bytes)
  local msg = {
    type = "chart", format = result.format, mime = result.mime, spec = result.spec, alt = result.alt,
    data_summary = result.data_summary, scene = result.scene, warnings = result.warnings, drawing = result.drawing,
    width = result.width, height = result.height, bytes = #result.bytes, data_omitted = result.data_omitted,
  }
  for k, v in pairs(fields or {}) do msg[k] = v end
  if started and msg.timings_ms then
    msg.timings_ms.base64_ms = math.floor((clock.now_ms() - t0) * 100 + 0.5) / 100
    msg.timings_ms.request_ms = math.floor((clock.now_ms() - started) * 100 + 0.5) / 100
  end
  -- Everything but the image goes through json.encode; the base64 text needs no escaping,
  -- so it is spliced in rather than walked character by character.
  local head, jerr = json.encode(msg)
  if not head then error("cannot encode the chart reply: " .. tostring(jerr)) end
  return head:sub(1, -2) .. ',"data":"' .. b64 .. '"}'
end

-- Entry point for one request; returns outcome ("ok" or an error code), chart type, timings_ms.
function M.handle(text, ctx)
  local state = {}
  local ok, a, b, c = pcall(run, text, ctx, state)
  if ok then
    if state.busy_after_ms then spin(state.busy_after_ms) end
    return a, b, c
  end
  if getmetatable(a) == Stop then
    send_error(ctx, state.id, a.code, a.code == "internal" and a.detail or a.message, a.path, a.suggestions,
      a.retry_after_ms)
    return M.CODES[a.code] and a.code or "internal", state.chart_type
  end
  -- Out of memory (a pcall caught it before the host could) or of stack: a budget, not a bug.
  if a == "not enough memory" or (type(a) == "string" and a:find("stack overflow", 1, true)) then
    send_error(ctx, state.id, "resource_limit", "the request needed more memory or stack than a worker allows")
    return "resource_limit", state.chart_type
  end
  -- A bug: the traceback goes to the log, the client gets its reference.
  send_error(ctx, state.id, "internal", a)
  return "internal", state.chart_type
end

-- The lists the service thread serves without Lua: hello message, chart types, themes.
function M.catalog()
  local charts = require "charts"
  local themes = require "themes"
  local types, theme_names = json.array(charts.names()), json.array(themes.names())
  local cfg = config()
  local frame = require "data.frame"
  local hello = json.encode {
    type = "hello", version = require("chartd.host").version, planner = cfg.planner or "offline",
    chart_types = types, themes = theme_names,
    -- what a client can check before sending
    limits = { max_request_bytes = cfg.max_request_bytes, max_request_line_bytes = cfg.max_request_line_bytes,
      max_chart_bytes = cfg.max_chart_bytes,
      conversation_bytes = cfg.conversation_bytes, max_rows = frame.MAX_ROWS, max_columns = frame.MAX_COLUMNS },
  }
  return hello, json.encode(types), json.encode(theme_names)
end

-- Loads the scripts and renders one small chart so fontconfig/pango are warm before
-- /readyz says ready. Raises when the scripts do not load.
function M.warm()
  require "pipeline"
  -- Load every chart module and theme now, so this state serves the files as they were
  -- when it was built (and checked): a later broken save on disk must not reach it.
  local charts, themes = require "charts", require "themes"
  for _, name in ipairs(charts.names()) do assert(charts.get(name)) end
  for _, name in ipairs(themes.names()) do
    local theme, err = themes.get(name)
    if not theme then error(err.message, 0) end
  end
  -- the same for the planners and the synthesis vocabulary (data files read on first use)
  require "agent"
  require("synth.vocab").load()
  local spec = {
    type = "bar", width = 160, height = 120, title = "warm-up",
    data = { values = { { k = "a", v = 1 }, { k = "b", v = 2 } } },
    encoding = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } },
  }
  local ok, result, err = pcall(require("pipeline").render, spec, {})
  if ok and result then return true end
  -- No chart could be drawn (a chart module is missing or broken): still warm the fonts.
  require("chartd.canvas").measure_text("warm-up 0123456789", { font = { family = "DejaVu Sans", size = 12 } })
  local why = ok and (err and err.message) or tostring(result)
  pcall(function() require("chartd.log").warn("warm_render_failed", { error = why }) end)
  return false, why
end

return M
