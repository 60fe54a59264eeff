-- The agent: one chart request (prompt and/or spec, data or none) → a spec ready for
-- pipeline.render, choosing the planner (LLM or offline rules), applying follow-up edits to
-- the connection's last chart, and synthesizing data when the request brings none.
local clock = require "chartd.clock"
local vegalite = require "vegalite"
local frame = require "data.frame"
local followup = require "planner.followup"
local offline = require "planner.offline"
local synth = require "synth"

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

local function fail(code, message, path)
  return nil, { code = code, message = message, path = path }
end

local function overrides(spec, request)
  for _, k in ipairs(M.OVERRIDES) do
    if request[k] ~= nil then spec[k] = request[k] end
  end
  spec.needs = nil
  return spec
end

-- The LLM planner when it is configured and loadable; nil means offline.
local function llm_module(cfg)
  if cfg.planner ~= "openai" then return nil end
  local ok, mod = pcall(require, "planner.openai")
  if not ok or type(mod) ~= "table" or type(mod.plan) ~= "function" then return nil end
  return mod
end

-- Fills a data-less spec with synthesized data; `needs` come from the offline planner's
-- reading of the prompt even when the LLM planned (periods and named categories).
local function synthesize(spec, prompt, needs, request, info, progress)
  if not needs then
    local plain = offline.plan(prompt, nil)
    needs = plain and plain.needs or {}
  end
  info.seed = synth.seed(request.seed or spec.seed, prompt)
  local data, facts = synth.generate(spec, needs, { seed = info.seed, prompt = prompt, today = request.today })
  spec.data = data
  spec.seed = info.seed
  info.synthetic = true
  progress("data_processing", 16, ("synthesized %d illustrative rows (seed %d)"):format(facts.rows, info.seed))
end

-- The LLM's deadline: LLM_TIMEOUT from now, and at least RESERVE_MS before the request's own
-- deadline, which must still cover an offline plan and the render.
M.RESERVE_MS = 1500
local function llm_deadline(cfg, request_deadline)
  local own = clock.now_ms() + (cfg.llm_timeout_s or math.floor((cfg.timeout_s or 30) * 2 / 3)) * 1000
  return math.min(own, request_deadline - M.RESERVE_MS)
end

-- Plans a fresh spec for a prompt. Returns spec, needs | nil, err.
local function plan_fresh(request, opts, df, info, progress)
  local cfg = opts.config or {}
  local prompt = request.prompt
  local llm = llm_module(cfg)
  if llm then
    info.planner = "openai"
    local model = cfg.llm_model or "the model"
    progress("planning", 10, ("asking %s"):format(model))
    local deadline = opts.deadline_ms or (clock.now_ms() + (cfg.timeout_s or 30) * 1000)
    local spec, err, done = llm.plan(prompt, df, { previous = opts.previous, data = request.data,
      deadline_ms = llm_deadline(cfg, deadline), progress = function(msg) progress("planning", 12, msg) end })
    info.llm_calls = (done and done.calls) or (type(err) == "table" and err.calls) or nil
    if spec then return spec end
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
  local spec, perr = offline.plan(prompt, df, { theme = request.theme })
  if not spec then return fail("invalid_request", "prompt: " .. tostring(perr), "prompt") end
  return spec, spec.needs
end

-- plan(request, opts) → spec (with data), info | nil, err { code, message, path }.
-- request: { prompt=, spec=, data=, seed=, theme=, format=, width=, height=, scale= }
-- opts: { previous = last spec of the connection (table) | nil, config = chartd.config,
--         progress = function(stage, pct, msg), deadline_ms = }
-- info: { planner = "offline"|"openai"|nil, fallback_reason = (timeout | unavailable | bad_request |
--         invalid_output | no_content), fallback_detail = (what happened, in words), llm_calls =,
--         synthetic =, seed =, edits = }
function M.plan(request, opts)
  opts = opts or {}
  local progress = opts.progress or function() end
  local info = { synthetic = false }
  local prompt = request.prompt
  if type(prompt) == "string" and prompt:match("^%s*$") then prompt = nil end

  if prompt == nil then
    if request.spec == nil then return fail("invalid_request", "spec: missing; send a spec (or a prompt)", "spec") end
    local spec = shallow(request.spec)
    if request.data ~= nil then spec.data = request.data end
    return overrides(spec, request), info
  end

  -- an edit of the request's own spec, else of the connection's last chart — unless the
  -- request brings data of its own: new data starts a new chart, not an edit of the last one
  local previous = request.data == nil and opts.previous or nil
  local base = request.spec and shallow(request.spec) or (previous and shallow(previous)) or nil
  if base and request.data ~= nil then base.data = request.data end
  if base and vegalite.is_vegalite(base) then
    -- A Vega-Lite spec is edited as the chartd spec it stands for; one that cannot be
    -- translated is planned afresh and its error comes from the render.
    local ok, translated = pcall(vegalite.translate, base)
    base = ok and translated or nil
  end
  if base then
    progress("planning", 8, "reading the request as an edit of the last chart")
    local edited, how = followup.edit(prompt, base)
    if edited then
      info.planner, info.edits = "offline", how
      progress("planning", 14, "applied " .. table.concat(how, ", "))
      if edited.data == nil then
        synthesize(edited, prompt, nil, request, info, progress)
      elseif edited.seed ~= nil and request.data == nil then
        -- the data being edited was synthesized earlier: it stays marked as illustrative
        info.synthetic, info.seed = true, edited.seed
      end
      return overrides(edited, request), info
    elseif how then
      return fail("invalid_request", "prompt: " .. how, "prompt")
    end
  end

  local df
  if request.data ~= nil then
    local ferr
    df, ferr = frame.from_data(request.data, "data")
    if not df then return fail("invalid_data", ferr.message or tostring(ferr), ferr.path or "data") end
  end
  local spec, needs = plan_fresh({ prompt = prompt, theme = request.theme, data = request.data }, opts, df, info,
    progress)
  if not spec then return nil, needs end
  spec = shallow(spec)
  if request.spec then
    -- a spec sent with a prompt the rules could not read as an edit: its fields fill gaps
    for k, v in pairs(request.spec) do if spec[k] == nil then spec[k] = v end end
  end
  progress("planning", 14, ("planned a %s chart"):format(tostring(spec.type)))
  if request.data ~= nil then
    spec.data = request.data
  else
    spec.data = nil
    synthesize(spec, prompt, needs, request, info, progress)
  end
  return overrides(spec, request), info
end

return M
