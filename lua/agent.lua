-- The agent: one chart request (prompt and/or spec, data or none) in its conversation → a spec
-- ready for pipeline.render. It decides what the request is — a spec to draw, an edit of the
-- conversation's chart, a new chart, a styling note, undo — plans with the LLM or the offline
-- rules, and draws on the data the conversation holds; data is synthesized only when the
-- conversation has none (and the reply says so).
local clock = require "chartd.clock"
local conversation = require "conversation"
local frame = require "data.frame"
local followup = require "planner.followup"
local json = require "util.json"
local offline = require "planner.offline"
local synth = require "synth"
local vegalite = require "vegalite"
local copy = require("util.tables").deep_copy

local M = {}

-- Request fields that override the same field of the planned spec.
M.OVERRIDES = { "theme", "format", "width", "height", "scale" }
-- Planner failures that end the request (the rest fall back to the offline planner).
M.FATAL = { llm_auth = true, llm_quota = true, llm_bad_request = true, llm_invalid_output = true,
  llm_unavailable = true }
M.NOTE = "illustrative data"

local function shallow(t)
  local out = {}
  for k, v in pairs(t or {}) do out[k] = v end
  return out
end

local function fail(code, message, path, extra)
  local err = { code = code, message = message, path = path }
  for k, v in pairs(extra or {}) do err[k] = v end
  return nil, err
end

local function overrides(spec, request)
  for _, k in ipairs(M.OVERRIDES) do
    if request[k] ~= nil then spec[k] = request[k] end
  end
  spec.needs = nil
  return spec
end

local function mb(bytes)
  return ("%.1f MB"):format((bytes or 0) / 1e6)
end

-- The LLM planner when it is configured and loadable; nil means offline.
local function llm_module(cfg)
  if cfg.planner ~= "openai" then return nil end
  local ok, mod = pcall(require, "planner.openai")
  if not ok or type(mod) ~= "table" or type(mod.plan) ~= "function" then return nil end
  return mod
end

-- The data a request brings (request.data, else its spec's data), parsed once: { df, hash,
-- path } | nil | nil, err.
local function sent_data(request)
  local raw, path = request.data, "data" -- path: where the data sits in the message
  if raw == nil and type(request.spec) == "table" and request.spec.data ~= nil and not vegalite.is_vegalite(request.spec) then
    raw, path = request.spec.data, "spec.data"
  end
  if raw == nil or raw == json.null then return nil end
  -- data by reference (Vega-Lite's url, name, sequence) is resolved by the render, not here
  if type(raw) == "table" and raw.values == nil and raw.columns == nil and raw.csv == nil then return nil end
  -- errors name "data": the request's field, or the spec's own path for it
  local df, err = frame.from_data(raw, "data")
  if not df then return nil, err end
  return { df = df, hash = conversation.hash(raw), path = path, rows = df.nrows }
end

-- Fills a data-less spec with synthesized data; `needs` come from the offline planner's
-- reading of the prompt even when the LLM planned (periods and named categories).
local function synthesize(spec, prompt, needs, request, info, progress)
  if not needs then
    local plain = offline.plan(prompt, nil, { today = request.today })
    needs = plain and plain.needs or {}
  end
  info.seed = synth.seed(request.seed or spec.seed, prompt)
  local data, facts = synth.generate(spec, needs, { seed = info.seed, prompt = prompt, today = request.today })
  spec.data = data
  spec.seed = info.seed
  info.synthetic = true
  -- kept like sent data, so follow-ups edit this chart rather than invent another
  local bytes = json.encode({ data = data })
  info.keep_data = { hash = conversation.hash(data), kind = "json", path = "data", bytes = bytes,
    synthetic = true, seed = info.seed, rows = facts.rows }
  progress("data_processing", 16, ("synthesized %d illustrative rows (seed %d)"):format(facts.rows, info.seed))
end

-- A planned spec that names the data it needs (`needs`) but has none — what `chartd plan`
-- prints for a request without data — with illustrative data, as a prompt without data gets it
-- (seeded by spec.seed). Returns the spec and the note the image must carry, or the spec alone
-- when it has data or no needs.
function M.illustrate(spec)
  if spec.data ~= nil or type(spec.needs) ~= "table" then return spec end
  synthesize(spec, nil, spec.needs, { seed = spec.seed }, { notes = {} }, function() end)
  spec.needs = nil
  return spec, M.NOTE
end

-- The LLM's deadline: LLM_TIMEOUT from now, and at least RESERVE_MS before the request's own
-- deadline, which must still cover an offline plan and the render.
M.RESERVE_MS = 1500
local function llm_deadline(cfg, request_deadline)
  local own = clock.now_ms() + (cfg.llm_timeout_s or math.floor((cfg.timeout_s or 30) * 2 / 3)) * 1000
  return math.min(own, request_deadline - M.RESERVE_MS)
end

-- Plans a fresh spec for a prompt. Returns spec, needs, planner info | nil, err.
local function plan_fresh(request, opts, df, info, progress)
  local cfg = opts.config or {}
  local prompt = request.prompt
  local llm = llm_module(cfg)
  if llm then
    info.planner = "openai"
    local model = cfg.llm_model or "the model"
    progress("planning", 10, ("asking %s"):format(model))
    local deadline = opts.deadline_ms or (clock.now_ms() + (cfg.timeout_s or 30) * 1000)
    -- the data itself (a parsed frame) checks the LLM's spec, so what passes renders on it
    local spec, err, done = llm.plan(prompt, df, { previous = opts.previous, data = df,
      deadline_ms = llm_deadline(cfg, deadline), progress = function(msg) progress("planning", 12, msg) end })
    info.llm_calls = (done and done.calls) or (type(err) == "table" and err.calls) or nil
    if spec then return spec, nil, {} end
    err = type(err) == "table" and err or { code = "llm_unavailable", message = tostring(err), fallback = true }
    if not err.fallback then
      local code = M.FATAL[err.code] and err.code or "llm_unavailable"
      return fail(code, err.message or code)
    end
    info.planner, info.fallback_reason, info.fallback_detail = "offline", err.reason or "unavailable", err.message
    if llm.count then llm.count("fallback", info.fallback_reason) end
    progress("planning", 13, ("%s; planning offline"):format(err.message or info.fallback_reason))
  else
    info.planner = "offline"
    progress("planning", 10, "reading the request")
  end
  local spec, pinfo = offline.plan(prompt, df, { theme = request.theme, today = request.today })
  if not spec then
    if type(pinfo) == "table" then return fail(pinfo.code or "invalid_request", pinfo.message, "prompt", pinfo) end
    return fail("invalid_request", "prompt: " .. tostring(pinfo), "prompt")
  end
  return spec, spec.needs, pinfo or {}
end

-- An edit the rules could not read, asked of the LLM (when one is configured) with the chart
-- before and the data's columns: its spec, or nil (no LLM, or no answer: the rules' verdict stands).
local function llm_edit(prompt, base, df, opts, info, progress)
  local cfg = opts.config or {}
  local llm = llm_module(cfg)
  if not llm then return nil end
  info.planner = "openai"
  progress("planning", 10, ("asking %s about the chart"):format(cfg.llm_model or "the model"))
  local deadline = opts.deadline_ms or (clock.now_ms() + (cfg.timeout_s or 30) * 1000)
  local spec, err, done = llm.plan(prompt, frame.view(df), { previous = base, data = frame.view(df),
    deadline_ms = llm_deadline(cfg, deadline), progress = function(msg) progress("planning", 12, msg) end })
  info.llm_calls = (done and done.calls) or (type(err) == "table" and err.calls) or nil
  if not spec then
    info.planner = "offline"
    return nil
  end
  return shallow(spec)
end

local function evicted_error(conv)
  return fail("data_evicted", ("the data of this conversation (%s) was dropped to stay within the server's "
    .. "memory for conversations (CHARTD_CONVERSATION_MB); send it again with your next request")
    :format(mb(conv.evicted_bytes)))
end

-- Whether every column base's encodings and filters name is a column of df.
local function fits(base, df)
  for _, ch in pairs(base.encoding or {}) do
    if type(ch) == "table" and ch.field and not df.columns[ch.field] then return false end
  end
  return true
end

local function add_notes(info, notes)
  for _, n in ipairs(notes or {}) do info.notes[#info.notes + 1] = n end
end

-- plan(request, opts) → spec (data as a parsed frame), info | nil, err, info.
-- request: { prompt=, spec=, data=, seed=, theme=, format=, width=, height=, scale= }
-- opts: { conversation = lua/conversation.lua object | nil, config = chartd.config,
--         progress = function(stage, pct, msg), deadline_ms = }
-- info: { outcome = "spec"|"edit"|"new"|"style", planner = "offline"|"openai"|nil, fallback_reason =
--         (timeout | unavailable | bad_request | invalid_output | no_content), fallback_detail = (what
--         happened, in words), llm_calls =, synthetic =, seed =, edits =, notes = {}, intent =,
--         keep_data = data for the conversation to keep | nil }
function M.plan(request, opts)
  opts = opts or {}
  local progress = opts.progress or function() end
  local conv = opts.conversation
  local info = { synthetic = false, notes = {} }
  local prompt = request.prompt
  if type(prompt) == "string" and prompt:match("^%s*$") then prompt = nil end

  -- the data this turn is drawn on: sent now (new, or the conversation's again), else the conversation's
  local sent, derr = sent_data(request)
  if derr then return fail("invalid_data", derr.message or tostring(derr), derr.path or "data") end
  local held = conv and conv.data
  local same = sent and held and held.hash == sent.hash
  local df
  if sent then
    df = sent.df
    if not same then info.keep_data = { hash = sent.hash, kind = "message", path = sent.path, rows = sent.rows } end
    if same and held.synthetic then held = nil end
  elseif held then
    local ferr
    df, ferr = conv:frame()
    if not df and ferr then return fail("invalid_data", ferr.message or tostring(ferr), "data") end
    if held.synthetic then info.synthetic, info.seed = true, held.seed end
  end
  local evicted = not df and conv and conv.evicted
  -- a spec that brings data of its own (even by reference) is drawn on that, not the conversation's
  local own = type(request.spec) == "table" and request.spec.data ~= nil and request.data == nil
  if own and not sent then df = nil end

  if not prompt then
    if request.spec == nil then return fail("invalid_request", "spec: missing; send a spec (or a prompt)", "spec") end
    local spec = shallow(request.spec)
    if df then spec.data = df elseif evicted and not own then return evicted_error(conv) end
    -- a Vega-Lite spec keeps its data inside itself: what the conversation held is not its data
    if own and not sent and conv and conv.data then info.keep_data = { kind = "none", bytes = "" } end
    info.outcome = "spec"
    return overrides(spec, request), info
  end

  -- the chart this prompt may edit: the request's own spec, else the conversation's (when the
  -- data sent, if any, still has its columns)
  local base = request.spec and shallow(request.spec) or (conv and conv.spec and copy(conv.spec)) or nil
  -- a new seed asks for new invented data: planned afresh
  if base and not request.spec and held and held.synthetic and request.seed ~= nil and request.seed ~= held.seed then
    base = nil
  end
  local unfit -- the chart before, when new data lacks its columns: only its look carries
  if base and not request.spec and sent and not same and not fits(base, df) then
    info.notes[#info.notes + 1] = "the new data lacks columns of the chart before, so this chart is planned afresh"
    unfit, base = { theme = base.theme, width = base.width, height = base.height, format = base.format,
      scale = base.scale, config = base.config }, nil
  end
  if base and vegalite.is_vegalite(base) then
    -- A Vega-Lite spec is edited as the chartd spec it stands for (translated with its data);
    -- one that cannot be translated is planned afresh and its error comes from the render.
    local ok, translated = pcall(vegalite.translate, base)
    base = ok and translated or nil
    if base and base.data ~= nil and not sent then
      -- its data is the data of the chart being edited; kept apart from now on, like sent data
      local bdf = frame.from_data(base.data, "data")
      if bdf then
        df = bdf
        info.keep_data = { hash = conversation.hash(base.data), kind = "json", path = "data",
          bytes = json.encode({ data = base.data }), rows = bdf.nrows }
      end
    end
  end
  if base and base.data ~= nil and df then base.data = nil end

  local outcome = "new"
  local fresh_opts = {}
  if base then
    if not df and evicted then return evicted_error(conv) end
    progress("planning", 8, "reading the request as a follow-up of the chart")
    local vague = conv and conv.intent and conv.intent.vague
    local r = followup.interpret(prompt, base, df, { vague = vague and not request.spec,
      stated = conv and conv.intent and conv.intent.stated, synthetic = held and held.synthetic and not sent,
      said_agg = conv and conv.intent and conv.intent.said_agg })
    if r.kind == "edit" or r.kind == "style" then
      info.planner, info.edits, info.outcome = "offline", r.edits, r.kind
      add_notes(info, r.notes)
      progress("planning", 14, r.kind == "edit" and ("applied " .. table.concat(r.edits, ", ")) or "noted")
      local spec = r.spec
      if df then spec.data = df elseif spec.data == nil and not request.spec then
        return fail("invalid_request", "prompt: the conversation has no data to draw this chart on", "prompt")
      end
      if r.kind == "style" and conv then info.intent = conv.intent end
      if conv and conv.intent and r.kind == "edit" then
        -- an edited chart is the user's, no longer a guess; a type named now is the one to keep
        local named = r.named_type or conv.intent.named_type
        -- (an aggregate said before any measure waits while rows are still counted)
        local counted = spec.encoding and spec.encoding.y and spec.encoding.y.aggregate == "count"
        info.intent = { stated = conv.intent.stated, named_type = named,
          said_agg = counted and conv.intent.said_agg or nil }
      end
      return overrides(spec, request), info
    elseif r.kind == "undo" then
      local previous, why
      if conv then previous, why = conv:undo() end -- (`conv and conv:undo()` would drop `why`)
      if not previous and conv and #conv.history == 0 then
        -- "go back" with one chart drawn (often after a change that failed): that chart, as it is
        info.planner, info.outcome, info.edits = "offline", "style", {}
        add_notes(info, { "this is the conversation's first chart, so it is drawn again unchanged" })
        local spec = copy(base)
        if df then spec.data = df end
        return overrides(spec, request), info
      end
      if not previous then
        return fail("unclear_followup", why or "there is no earlier chart to go back to", "prompt",
          { suggestions = followup.suggestions(base, df) })
      end
      info.planner, info.outcome, info.edits = "offline", "edit", { "undo" }
      info.undo = true
      local spec = copy(previous)
      if df then spec.data = df end
      return overrides(spec, request), info
    elseif r.kind == "unclear" then
      -- with an LLM, it reads what the rules could not, with the chart and the data's schema
      local spec = df and llm_edit(prompt, base, df, opts, info, progress)
      if spec then
        followup.carry(spec, base, df, {})
        spec.data = df
        info.outcome = "edit"
        return overrides(spec, request), info
      end
      return fail("unclear_followup", r.message, "prompt", { suggestions = r.suggestions })
    end
    local intent = conv and conv.intent or {}
    fresh_opts = { fresh = r.fresh, vague = vague, stated = intent.stated, named_type = intent.named_type }
    outcome = "new"
  end

  -- a new chart: planned on the conversation's data when it has some (never invented then)
  local plan_df = df
  if held and held.synthetic and not sent then plan_df = nil end
  -- the LLM sees the chart before (it may be an edit the rules missed)
  local popts = setmetatable({ previous = base }, { __index = opts })
  local spec, needs, pinfo = plan_fresh({ prompt = prompt, theme = request.theme, today = request.today }, popts,
    plan_df and frame.view(plan_df), info, progress)
  if not spec then
    local err = needs
    if err.code == "invalid_request" and plan_df then
      err.code = "unclear_followup"
      err.suggestions = followup.suggestions(base or { encoding = {} }, plan_df)
      err.message = "could not read a chart in that; " .. (err.message or ""):gsub("^prompt: ", "")
    end
    return nil, err, info
  end
  spec = shallow(spec)
  info.outcome = outcome
  info.intent = { vague = pinfo.vague or nil, stated = pinfo.stated, named_type = pinfo.named_type,
    said_agg = pinfo.said_agg }
  add_notes(info, pinfo.notes)
  fresh_opts.new_named = pinfo.named_type ~= nil
  fresh_opts.measure_guessed = pinfo.measure_guessed
  if plan_df then
    local _, notes = followup.rows(prompt, spec, plan_df)
    add_notes(info, notes)
  end
  if base then followup.carry(spec, base, plan_df, fresh_opts) end
  if unfit then followup.carry(spec, unfit, plan_df, { fresh = true }) end
  if request.spec then
    -- a spec sent with a prompt the rules could not read as an edit: its fields fill gaps
    for k, v in pairs(request.spec) do if spec[k] == nil and k ~= "data" then spec[k] = v end end
  end
  progress("planning", 14, ("planned a %s chart"):format(tostring(spec.type)))
  if plan_df then
    spec.data = plan_df
  else
    spec.data = nil
    synthesize(spec, prompt, needs, request, info, progress)
  end
  return overrides(spec, request), info
end

return M
