-- The LLM transport: one chat completion over chartd.http with the retry policy (exponential
-- backoff + full jitter, Retry-After honoured, timeouts from the request's deadline) and the
-- mapping of HTTP failures to chartd error codes. The key is added by C (auth = "llm").
local http = require "chartd.http"
local clock = require "chartd.clock"
local json = require "util.json"

local M = {}

M.BASE_DELAY_MS = 500     -- first backoff step; doubles per attempt
M.MAX_DELAY_MS = 8000     -- cap of one backoff step
M.CONNECT_TIMEOUT_MS = 5000
M.MAX_REPLY_BYTES = 4 * 1024 * 1024
M.MIN_CALL_MS = 250       -- below this much time left, no new attempt starts

-- Server text can echo a (masked) key: never pass one on.
local function redact(s)
  s = tostring(s or "")
  s = s:gsub("sk%-[%w%-_%*]+", "sk-***")
  if #s > 300 then s = s:sub(1, 300) .. "…" end
  return s
end
M.redact = redact

local function failure(code, message, extra)
  local e = { code = code, message = message }
  for k, v in pairs(extra or {}) do e[k] = v end
  return e
end

-- The error object of an OpenAI-style error body, or {}.
local function api_error(body)
  local ok, t = pcall(json.decode, body or "")
  if ok and type(t) == "table" and type(t.error) == "table" then return t.error end
  if ok and type(t) == "table" and type(t.error) == "string" then return { message = t.error } end
  return {}
end

-- Milliseconds the server asked us to wait (retry-after-ms, or Retry-After seconds), or nil.
function M.retry_after_ms(headers)
  headers = headers or {}
  local ms = tonumber(headers["retry-after-ms"])
  if ms and ms >= 0 then return ms end
  local s = tonumber(headers["retry-after"])
  if s and s >= 0 then return s * 1000 end
  return nil
end

-- Full jitter: a uniform wait in [0, min(cap, base * 2^(attempt-1))].
function M.backoff_ms(attempt, random)
  random = random or math.random
  local ceiling = math.min(M.MAX_DELAY_MS, M.BASE_DELAY_MS * 2 ^ (attempt - 1))
  return random() * ceiling
end

-- Classifies one exchange: "ok" | "retry" | "fail", plus the error for retry/fail.
function M.classify(resp, terr)
  if not resp then
    if terr.kind == "auth" then return "fail", failure("llm_auth", terr.message) end
    if terr.kind == "too_large" then
      return "fail", failure("llm_unavailable", "the LLM reply was too large: " .. terr.message, { fallback = true })
    end
    return "retry", failure("llm_unavailable", ("%s: %s"):format(terr.kind, redact(terr.message)), { fallback = true })
  end
  local s = resp.status
  if s >= 200 and s < 300 then return "ok" end
  local e = api_error(resp.body)
  local detail = ("HTTP %d%s"):format(s, e.message and (": " .. redact(e.message)) or "")
  if s == 429 and (e.code == "insufficient_quota" or e.type == "insufficient_quota") then
    return "fail", failure("llm_quota", "the LLM account has no quota left (" .. detail .. ")", { status = s })
  end
  if s == 401 or s == 403 then
    return "fail", failure("llm_auth", "the LLM rejected the API key (" .. detail .. ")", { status = s })
  end
  if s == 408 or s == 409 or s == 429 or s >= 500 then
    return "retry", failure("llm_unavailable", detail, { status = s, fallback = true })
  end
  local text = (e.message or "") .. " " .. tostring(e.param or "") .. " " .. tostring(e.code or "")
  local schema = s == 400 and (text:find("response_format", 1, true) or text:find("json_schema", 1, true)) ~= nil
  return "fail", failure("llm_bad_request", "the LLM refused the request (" .. detail .. ")",
    { status = s, schema_rejected = schema or nil })
end

-- request(req, opts) → resp | nil, err. Retries as the policy says.
-- req  = { method=, path= (after base_url), body= (a table, JSON-encoded here) | body_text= }
-- opts = { base_url=, deadline_ms=, max_retries=, model=, progress=fn(msg), label=,
--          sleep=, now=, random= (tests) }
-- resp = { status=, headers=, body=, json= (decoded body or nil), attempts=, waits_ms={...} }
-- err  = { code = llm_auth|llm_quota|llm_bad_request|llm_unavailable, message=, fallback=,
--          status=, schema_rejected=, attempts= }
function M.request(req, opts)
  opts = opts or {}
  local sleep, now, random = opts.sleep or http.sleep, opts.now or clock.now_ms, opts.random or math.random
  local max_attempts = (opts.max_retries or 3) + 1
  local deadline = opts.deadline_ms or (now() + 30000)
  local url = opts.base_url:gsub("/+$", "") .. req.path
  local body = req.body_text or (req.body and json.encode(req.body)) or nil
  local waits, last = {}, nil
  for attempt = 1, max_attempts do
    local left = deadline - now()
    if left < M.MIN_CALL_MS then
      last = last or failure("llm_unavailable", "no time left before the request's deadline", { fallback = true })
      break
    end
    if opts.progress then
      opts.progress(("%s (attempt %d of %d)"):format(opts.label or ("asking " .. (opts.model or "the LLM")),
        attempt, max_attempts))
    end
    local resp, terr = http.request {
      method = req.method or "POST", url = url, body = body, auth = "llm",
      headers = body and { ["Content-Type"] = "application/json" } or nil,
      timeout_ms = math.floor(left), connect_timeout_ms = math.floor(math.min(left, M.CONNECT_TIMEOUT_MS)),
      max_bytes = M.MAX_REPLY_BYTES,
    }
    local verdict, err = M.classify(resp, terr)
    if verdict == "ok" then
      resp.attempts, resp.waits_ms = attempt, waits
      local ok, decoded = pcall(json.decode, resp.body)
      resp.json = ok and decoded or nil
      return resp
    end
    err.attempts = attempt
    if verdict == "fail" then return nil, err end
    last = err
    if attempt == max_attempts then break end
    local wait = (resp and M.retry_after_ms(resp.headers)) or M.backoff_ms(attempt, random)
    if now() + wait + M.MIN_CALL_MS > deadline then
      last.message = last.message .. "; no time left to retry before the deadline"
      break
    end
    waits[#waits + 1] = wait
    if opts.progress then
      opts.progress(("the LLM is unavailable (%s); retrying in %.1f s"):format(err.message, wait / 1000))
    end
    sleep(wait)
  end
  last.fallback = true
  last.code = "llm_unavailable"
  last.message = ("the LLM at %s did not answer: %s"):format(opts.base_url, last.message)
  last.waits_ms = waits
  return nil, last
end

-- `chartd check --llm`: one cheap call (GET models/<model>) that proves the key and the model.
-- Returns true, message | false, message.
function M.check(cfg)
  cfg = cfg or {}
  local base, model = cfg.llm_base_url or "https://api.openai.com/v1", cfg.llm_model or "gpt-4o-mini"
  local resp, err = M.request({ method = "GET", path = "/models/" .. model }, {
    base_url = base, max_retries = 0, deadline_ms = clock.now_ms() + 15000,
  })
  if resp then return true, ("LLM OK: %s answers for model %s"):format(base, model) end
  if err.status == 404 then
    return false, ("llm_bad_request: model %s is not known at %s (%s)"):format(model, base, err.message)
  end
  return false, err.code .. ": " .. err.message
end

return M
