-- The LLM planner: asks an OpenAI-compatible chat completions API for a chart spec (structured
-- output from chartspec.schema, strict), validates the reply and sends the validator's errors
-- back until it is right (MAX_RETRIES). The reply is data: JSON-decoded, never load()ed.
local client = require "planner.llm_client"
local clock = require "chartd.clock"
local frame = require "data.frame"
local json = require "util.json"
local prompts = require "prompts"
local schema = require "chartspec.schema"
local validate = require "chartspec.validate"

local M = {}

M.SAMPLE_ROWS = 5          -- rows the model sees
M.MAX_COLUMNS = 60         -- columns described (the rest are counted)
M.MAX_VALUES = 8           -- distinct values listed for a category
M.STUB_ROWS = 200          -- rows of the frame the reply is validated against
M.MAX_TOKENS = 1500

-- Keys the model may set (the rest are the client's: data, format, scale, ...).
local TOP = { "type", "title", "subtitle", "description", "encoding", "options", "theme", "width", "height" }
-- Schema keywords strict mode rejects or that only matter to the validator.
local DROP = { minimum = true, maximum = true, exclusiveMinimum = true, minLength = true, maxLength = true,
  minItems = true, maxItems = true, pattern = true, ["$schema"] = true, title = true }

local function config()
  local ok, cfg = pcall(require, "chartd.config")
  return ok and type(cfg) == "table" and cfg or {}
end

-- Strict structured output: every object closed (additionalProperties false), every property
-- listed in required, optional ones nullable; free-form parts given a shape or left out.
local function strict(node)
  if type(node) ~= "table" then return node end
  if json.is_array(node) then
    local out = json.array({})
    for i, v in ipairs(node) do out[i] = strict(v) end
    return out
  end
  local out = {}
  for k, v in pairs(node) do
    if not DROP[k] and k ~= "properties" and k ~= "required" and k ~= "additionalProperties" then
      out[k] = strict(v)
    end
  end
  if node.properties then
    local was = {}
    for _, r in ipairs(node.required or {}) do was[r] = true end
    local props, names = {}, {}
    for name, sub in pairs(node.properties) do
      if next(sub) ~= nil then -- {} = anything: strict mode cannot say that
        local s = strict(sub)
        if not was[name] then s = { anyOf = json.array({ s, { type = "null" } }) } end
        props[name] = s
        names[#names + 1] = name
      end
    end
    table.sort(names)
    out.properties, out.required, out.additionalProperties = props, json.array(names), false
  end
  if out.type == "array" and out.items == nil then out.items = { type = json.array({ "string", "number" }) } end
  return out
end

-- The response_format schema: the spec schema restricted to what the model decides.
function M.response_schema(chart_names, theme_names)
  local full = schema.spec(chart_names, theme_names)
  local options, kinds = {}, {}
  local charts = require "charts"
  for _, name in ipairs(chart_names) do
    local ok, mod = pcall(charts.get, name)
    if ok and type(mod) == "table" then
      for opt, kind in pairs(mod.options or {}) do
        kinds[opt] = type(kind) == "table" and { enum = json.array({ table.unpack(kind) }) } or { type = kind }
      end
    end
  end
  for opt, s in pairs(kinds) do options[opt] = s end
  local props = {}
  for _, k in ipairs(TOP) do props[k] = full.properties[k] end
  props.options = { type = "object", properties = options }
  return strict({ type = "object", properties = props, required = json.array({ "type", "encoding" }) })
end

-- The response_format JSON text for the json_schema mode, cached per list of names (a cache
-- only: losing it on reload costs one encode).
local cached = {}
function M.response_format_text(chart_names, theme_names)
  local key = table.concat(chart_names, ",") .. "|" .. table.concat(theme_names, ",")
  if cached.key ~= key then
    cached.text = json.encode { type = "json_schema", json_schema = { name = "chart_spec", strict = true,
      schema = M.response_schema(chart_names, theme_names) } }
    cached.key = key
  end
  return cached.text
end

-- Drops JSON nulls (strict mode's "not set") recursively; arrays keep their shape.
local function strip_nulls(v)
  if type(v) ~= "table" then return v end
  local out = json.is_array(v) and json.array({}) or {}
  for k, x in pairs(v) do
    if x ~= json.null then out[k] = strip_nulls(x) end
  end
  return out
end

local function short(v)
  local s = tostring(v)
  if #s > 60 then s = s:sub(1, 57) .. "..." end
  return s
end

local function value_text(df, name, v)
  if v == nil then return "" end
  if df.types[name] == "temporal" then return frame.format_date(v, df.grain[name]) end
  if type(v) == "number" then return frame.number_text(v) end
  return short(v)
end

-- What the model sees of the data: names, types, summary statistics, a few rows. Never all of it.
function M.describe(df)
  if not df then
    return "No data was given. Choose short snake_case field names and types that fit the request; "
      .. "the service will synthesize believable data for them."
  end
  local lines = { ("%d rows, %d columns:"):format(df.nrows, #df.names) }
  for i, name in ipairs(df.names) do
    if i > M.MAX_COLUMNS then
      lines[#lines + 1] = ("- ... and %d more columns"):format(#df.names - M.MAX_COLUMNS)
      break
    end
    local s = frame.summary(df, name)
    -- a column written as "58%" or "$1,200" (data.numbers): the numbers are as written, in that unit
    local unit = df.units and df.units[name]
    local kind = unit and ("%s, in %s"):format(s.type, (unit:gsub("^%^", ""))) or s.type
    local parts = { ("- %s (%s): %d distinct"):format(json.encode(name), kind, s.distinct) }
    if s.missing > 0 then parts[#parts + 1] = ("%d missing"):format(s.missing) end
    if s.min ~= nil then
      parts[#parts + 1] = ("min %s, max %s"):format(value_text(df, name, s.min), value_text(df, name, s.max))
    else
      local vals = frame.distinct(df, name)
      local shown = {}
      for j = 1, math.min(#vals, M.MAX_VALUES) do shown[j] = json.encode(short(vals[j])) end
      parts[#parts + 1] = "values " .. table.concat(shown, ", ") .. (#vals > M.MAX_VALUES and ", ..." or "")
    end
    lines[#lines + 1] = table.concat(parts, ", ")
  end
  local n = math.min(df.nrows, M.SAMPLE_ROWS)
  lines[#lines + 1] = ("First %d rows:"):format(n)
  for r = 1, n do
    local row = {}
    for i, name in ipairs(df.names) do
      if i > M.MAX_COLUMNS then break end
      local v = df.columns[name][r]
      row[i] = type(v) == "number" and df.types[name] == "quantitative" and v or value_text(df, name, v)
    end
    lines[#lines + 1] = json.encode(json.array(row))
  end
  return table.concat(lines, "\n")
end

-- The data the reply is validated against: the request's columns with their types (a head of
-- the frame), or, without data, one stub row for the fields the reply names.
local function validation_data(df, spec)
  if df then
    local rows = json.array({})
    for r = 1, math.min(df.nrows, M.STUB_ROWS) do
      local row = json.array({})
      for i, name in ipairs(df.names) do
        local v = df.source and df.source[name] and df.source[name][r]
        if v == nil then v = value_text(df, name, df.columns[name][r]) end
        row[i] = v == nil and json.null or v
      end
      rows[#rows + 1] = row
    end
    if #rows == 0 then return nil end
    return { columns = json.array({ table.unpack(df.names) }), rows = rows }
  end
  local rec = {}
  local stub = { quantitative = 1, temporal = "2024-01-01", ordinal = "a", nominal = "a" }
  for _, ch in pairs(type(spec.encoding) == "table" and spec.encoding or {}) do
    if type(ch) == "table" and type(ch.field) == "string" and ch.field ~= "" then
      local t = stub[ch.type] and ch.type or "nominal"
      rec[ch.field] = stub[t]
    end
  end
  if next(rec) == nil then rec = { value = 1 } end
  return { values = json.array({ rec }) }
end

-- Checks a decoded reply against the request's own data (or, without data, a stub row for the
-- fields it names): the spec must validate and lay out, so a spec that passes here renders or
-- its problem goes back to the model. Returns the spec without data, or nil and the errors' text.
local function check(candidate, df, data)
  if type(candidate) ~= "table" or json.is_array(candidate) then
    return nil, "the reply must be one JSON object (a chart spec), got " .. (json.is_array(candidate) and "an array"
      or type(candidate))
  end
  local spec = strip_nulls(candidate)
  spec.data = nil
  local probe = {}
  for k, v in pairs(spec) do probe[k] = v end
  probe.data = data or validation_data(df, spec)
  local ok, err = require("pipeline").check(probe)
  if ok then return spec end
  return nil, err.message
end

-- The first JSON object in a model's text: the whole text, else inside a ``` fence, else the
-- first balanced {...} in prose. → value | nil, the decoder's own error for the text.
function M.read_reply(text)
  local value, first_err = json.decode(text)
  if value ~= nil then return value end
  local fenced = text:match("```[%w_%-]*[ \t]*\r?\n(.-)\r?\n?```")
  if fenced then
    local v = json.decode(fenced)
    if v ~= nil then return v end
  end
  -- Scan for a balanced object, skipping braces inside strings; try each opening brace.
  local from = 1
  while true do
    local s = text:find("{", from, true)
    if not s then break end
    local depth, in_str, esc = 0, false, false
    for i = s, #text do
      local c = text:sub(i, i)
      if in_str then
        if esc then esc = false elseif c == "\\" then esc = true elseif c == '"' then in_str = false end
      elseif c == '"' then in_str = true
      elseif c == "{" then depth = depth + 1
      elseif c == "}" then
        depth = depth - 1
        if depth == 0 then
          local v = json.decode(text:sub(s, i))
          if type(v) == "table" then return v end
          break
        end
      end
    end
    from = s + 1
  end
  if not text:match("%S") then return nil, "the reply was empty" end
  return nil, first_err
end

local function names(mod)
  local ok, list = pcall(mod.names)
  return ok and list or {}
end

-- What a server taught us, per base URL (the response format it takes) and per base URL and
-- model (the token limit's name, parameters it refuses): kept in chartd.memo, which every worker
-- shares and a reload keeps, as "name=value;..." text. Without it (plain lua5.4 before the
-- module loads) a table of this state stands in.
local has_memo, memo = pcall(require, "chartd.memo")
local fallback_memo = {}
local function learned(key)
  local text = has_memo and memo.get("llm|" .. key) or fallback_memo[key]
  local t = {}
  for k, v in (text or ""):gmatch("([%w_]+)=([^;]*)") do t[k] = v end
  return setmetatable({}, { __index = t, __newindex = function(_, k, v)
    t[k] = v
    local parts = {}
    for name, value in pairs(t) do parts[#parts + 1] = name .. "=" .. tostring(value) end
    table.sort(parts)
    local out = table.concat(parts, ";")
    if has_memo then memo.set("llm|" .. key, out) else fallback_memo[key] = out end
  end })
end

-- Forgets what servers taught (tests).
function M.forget()
  if has_memo then memo.clear() end
  for k in pairs(fallback_memo) do fallback_memo[k] = nil end
end

-- Models whose API takes max_completion_tokens (and only the default temperature): OpenAI's
-- reasoning families, o1/o3/o4… and gpt-5…, also behind a provider prefix ("openai/o3-mini").
function M.reasoning_model(model)
  local name = tostring(model):lower():match("([^/]*)$")
  return name:match("^o%d") ~= nil or name:match("^gpt%-5") ~= nil
end

M.MODES = { "json_schema", "json_object", "plain" }
local NEXT_MODE = { json_schema = "json_object", json_object = "plain" }

-- What a 400/422 is about, from everything the server said (message, param, code), so a server's
-- wording does not matter: a parameter the model refuses, the context length, an unknown model,
-- or else the request's format (the one part of the request that differs between servers).
function M.refusal_topic(err)
  local text = table.concat({ tostring(err.server_message or ""), tostring(err.param or ""),
    tostring(err.api_code or "") }, " "):lower()
  if err.status == 404 or text:find("model", 1, true) and (text:find("not found", 1, true)
    or text:find("does not exist", 1, true) or text:find("not exist", 1, true)) then
    return "model"
  end
  if text:find("max_tokens", 1, true) or text:find("max_completion_tokens", 1, true) then return "max_tokens" end
  if text:find("temperature", 1, true) then return "temperature" end
  if text:find("seed", 1, true) and not text:find("schema", 1, true) then return "seed" end
  if text:find("context", 1, true) and (text:find("length", 1, true) or text:find("window", 1, true))
    or text:find("too many tokens", 1, true) then
    return "context"
  end
  return "format"
end

-- One JSON log line (chartd.log) with the server's own words; nothing outside the host.
local function log(level, event, fields)
  local ok, l = pcall(require, "chartd.log")
  if ok then l[level](event, fields) end
end

local function count(what, reason)
  local ok, metrics = pcall(require, "chartd.metrics")
  if ok then
    if what == "repair" then metrics.llm_repair() else metrics.llm_fallback(reason) end
  end
end
M.count = count

-- plan(prompt, df, opts) → spec (no data), nil, info | nil, err.
-- df: the request's data frame (nil without data). opts = { previous= (the current spec, for
--   an edit), data= (the request's data as sent: the spec is checked against all of it),
--   data_description= (instead of describing df), deadline_ms=, progress=fn(msg), model=,
--   base_url=, max_retries=, temperature=, seed= }
-- info = { calls=, attempts=, repairs=, mode= }
-- err  = { code=, message=, fallback= (true: the offline planner may answer), reason= (a
--          fallback's: timeout | unavailable | bad_request | invalid_output | no_content),
--          calls=, attempts= }
function M.plan(prompt, df, opts)
  opts = opts or {}
  local cfg = config()
  local model = opts.model or cfg.llm_model or "gpt-4o-mini"
  local base_url = opts.base_url or cfg.llm_base_url or "https://api.openai.com/v1"
  local max_retries = opts.max_retries or cfg.max_retries or 3
  local deadline = opts.deadline_ms or (clock.now_ms() + (cfg.timeout_s or 30) * 1000)
  local temperature = opts.temperature or cfg.llm_temperature or 0
  local seed = opts.seed or cfg.llm_seed or 1
  local chart_names, theme_names = names(require "charts"), names(require "themes")
  local by_server, by_model = learned(base_url), learned(base_url .. "|" .. model)
  local reasoning = M.reasoning_model(model)
  local tokens_param = by_model.tokens_param or (reasoning and "max_completion_tokens" or "max_tokens")

  local previous = "none"
  if type(opts.previous) == "table" then
    local p = {}
    for k, v in pairs(opts.previous) do if k ~= "data" and k ~= "needs" then p[k] = v end end
    previous = json.encode(p)
  end
  local messages = json.array({
    { role = "system", content = prompts.render("system", {
      chart_types = table.concat(chart_names, ", "), themes = table.concat(theme_names, ", "),
      channels = table.concat(validate.CHANNELS, ", "), aggregates = table.concat(validate.AGGREGATES, ", "),
      time_units = table.concat(validate.TIME_UNITS, ", ") }) },
    { role = "user", content = prompts.render("plan", {
      request = prompt, data_description = opts.data_description or M.describe(df), previous = previous }) },
  })
  local schema_text = M.response_format_text(chart_names, theme_names)
  local mode = by_server.mode or "json_schema"
  local fixes = 0 -- answers that were not a valid spec: the MAX_RETRIES budget of the output
  local attempts, calls = 0, 0
  local adjusted = {} -- request parameters changed after a refusal, each at most once

  local function give_up(err)
    err.attempts, err.calls = attempts, calls
    log("warn", "llm_gave_up", { model = model, code = err.code, reason = err.reason, calls = calls,
      message = err.message })
    return nil, err
  end
  local function say(msg) if opts.progress then opts.progress(msg) end end

  while true do
    -- The schema part is encoded once and spliced in: util.json's encoder allocates a lot,
    -- and a worker's eager GC makes that cost ~100x more there than in plain Lua.
    local fields = { model = model, messages = messages, [tokens_param] = M.MAX_TOKENS }
    if not reasoning and not by_model.no_temperature then fields.temperature = temperature end
    if not by_model.no_seed then fields.seed = seed end
    local body = json.encode(fields)
    if mode == "json_schema" then
      body = body:sub(1, -2) .. ',"response_format":' .. schema_text .. "}"
    elseif mode == "json_object" then
      body = body:sub(1, -2) .. ',"response_format":{"type":"json_object"}}'
    else
      -- plain: no response_format at all; the schema travels in the prompt
      local last = messages[#messages]
      local hint = prompts.render("plain_format", { schema = json.encode(M.response_schema(chart_names, theme_names)) })
      local with_hint = json.array({ table.unpack(messages) })
      with_hint[#with_hint] = { role = last.role, content = last.content .. "\n\n" .. hint }
      fields.messages = with_hint
      body = json.encode(fields)
    end
    local label = fixes == 0 and ("asking " .. model) or ("asking " .. model .. " to fix the spec")
    local resp, err = client.request({ method = "POST", path = "/chat/completions", body_text = body }, {
      base_url = base_url, deadline_ms = deadline, max_retries = max_retries, model = model, label = label,
      progress = opts.progress, sleep = opts.sleep, random = opts.random, attempts_before = attempts,
    })
    calls = calls + 1
    if not resp then
      attempts = attempts + (err.attempts or 1)
      local topic = err.code == "llm_bad_request" and M.refusal_topic(err) or nil
      if topic == "max_tokens" and not adjusted.tokens then
        adjusted.tokens = true
        tokens_param = tokens_param == "max_tokens" and "max_completion_tokens" or "max_tokens"
        by_model.tokens_param = tokens_param
        log("info", "llm_parameter_step", { model = model, use = tokens_param, server_message = err.server_message })
        say(("%s wants %s; asking again"):format(model, tokens_param))
      elseif (topic == "temperature" or topic == "seed") and not adjusted[topic] then
        adjusted[topic] = true
        by_model["no_" .. topic] = true
        log("info", "llm_parameter_step", { model = model, drop = topic, server_message = err.server_message })
        say(("%s does not take %s; asking again without it"):format(model, topic))
      elseif topic == "format" and NEXT_MODE[mode] then
        local was = mode
        mode = NEXT_MODE[mode]
        by_server.mode = mode
        say(("%s refused %s (%s); using %s"):format(model, was, err.server_message or ("HTTP " .. err.status), mode))
        log("info", "llm_format_step", { base_url = base_url, from = was, to = mode, status = err.status,
          server_message = err.server_message })
      elseif topic == "format" or topic == "context" then
        -- nothing left to change in the request: the offline planner answers, and says why
        err.fallback, err.reason = true, "bad_request"
        return give_up(err)
      else
        return give_up(err)
      end
    else
      attempts = attempts + resp.attempts
      local reply = resp.json
      local choice = type(reply) == "table" and type(reply.choices) == "table" and reply.choices[1] or nil
      local msg = type(choice) == "table" and type(choice.message) == "table" and choice.message or nil
      if type(msg) == "table" and type(msg.refusal) == "string" and msg.refusal ~= "" then
        return give_up { code = "llm_invalid_output", fallback = false,
          message = "the model declined the request: " .. client.redact(msg.refusal) }
      end
      if type(choice) == "table" and choice.finish_reason == "content_filter" then
        return give_up { code = "llm_invalid_output", fallback = false,
          message = "the LLM provider's content filter stopped the answer (finish_reason \"content_filter\")" }
      end
      local content = msg and msg.content
      if type(content) ~= "string" or not content:match("%S") then
        -- nothing to repair: asking again would cost a call for the same silence
        local what = type(reply) ~= "table" and "the reply was not JSON" or (choice == nil and "no choices")
          or (content == nil or content == json.null) and "content null" or "empty content"
        return give_up { code = "llm_invalid_output", fallback = true, reason = "no_content",
          message = ("%s answered with no content (%s)"):format(model, what) }
      end
      local errors_text
      if choice.finish_reason == "length" then
        errors_text = ("the reply was cut off at the token limit (finish_reason \"length\"); answer with a "
          .. "shorter specification: no data values, no long descriptions")
      else
        local decoded, derr = M.read_reply(content)
        if decoded == nil then
          errors_text = "the reply is not valid JSON: " .. tostring(derr)
        else
          local spec, verr = check(decoded, df, opts.data)
          if spec then
            if fixes > 0 then
              say(("%s fixed the spec after %d repair%s"):format(model, fixes, fixes == 1 and "" or "s"))
            end
            return spec, nil, { attempts = attempts, calls = calls, repairs = fixes, mode = mode }
          end
          errors_text = verr
        end
      end
      fixes = fixes + 1
      if fixes > max_retries then
        return give_up { code = "llm_invalid_output", fallback = true, reason = "invalid_output",
          message = ("%s gave no valid chart spec in %d answers: %s"):format(model, fixes, errors_text) }
      end
      count("repair")
      messages[#messages + 1] = { role = "assistant", content = content }
      messages[#messages + 1] = { role = "user", content = prompts.render("repair", { errors = errors_text }) }
    end
  end
end

return M
