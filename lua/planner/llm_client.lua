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

-- What an error body says, whatever its shape: OpenAI's {"error":{"message","param","code"}},
-- vLLM's older top-level {"object":"error","message"}, LM Studio's {"error":"text"}, FastAPI's
-- {"detail":"text" | [{"loc","msg"}]} (llama-cpp-python, 422), or plain text.
-- → { message =, param =, code =, type = } (message nil when the body says nothing)
function M.server_error(body)
  local t = json.decode(body or "")
  local out = {}
  if type(t) == "table" then
    local e = t.error
    if type(e) == "table" then
      out.message, out.param, out.code, out.type = e.message, e.param, e.code, e.type
    elseif type(e) == "string" then
      out.message = e
    end
    if type(out.message) ~= "string" and type(t.message) == "string" then
      out.message, out.param, out.code, out.type = t.message, t.param, t.code, t.type
    end
    if type(out.message) ~= "string" and t.detail ~= nil then
      if type(t.detail) == "string" then
        out.message = t.detail
      elseif type(t.detail) == "table" then
        local parts = {}
        for _, d in ipairs(t.detail) do
          if type(d) == "table" and type(d.msg) == "string" then
            local loc = type(d.loc) == "table" and table.concat(d.loc, ".") or nil
            parts[#parts + 1] = loc and (loc .. ": " .. d.msg) or d.msg
          end
        end
        if #parts > 0 then out.message = table.concat(parts, "; ") end
      end
    end
  elseif type(body) == "string" and body:match("%S") and #body < 2000 then
    out.message = body:match("^%s*(.-)%s*$")
  end
  if type(out.message) ~= "string" then out.message = nil end
  for _, k in ipairs({ "param", "code", "type" }) do
    if out[k] == json.null or type(out[k]) == "table" then out[k] = nil end
  end
  return out
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

-- Classifies one exchange: "ok" | "retry" | "fail", plus the error for retry/fail, and the
-- outcome label /metrics counts it under (chartd_llm_calls_total).
function M.classify(resp, terr)
  if not resp then
    if terr.kind == "auth" then return "fail", failure("llm_auth", terr.message), "auth" end
    if terr.kind == "too_large" then
      return "fail", failure("llm_unavailable", "the LLM reply was too large: " .. terr.message,
        { fallback = true, reason = "unavailable" }), "transport"
    end
    return "retry", failure("llm_unavailable", ("%s: %s"):format(terr.kind, redact(terr.message)),
      { fallback = true, reason = terr.kind == "timeout" and "timeout" or "unavailable" }),
      terr.kind == "timeout" and "timeout" or "transport"
  end
  local s = resp.status
  if s >= 200 and s < 300 then return "ok", nil, "ok" end
  local e = M.server_error(resp.body)
  local said = e.message and redact(e.message) or nil
  local detail = ("HTTP %d%s"):format(s, said and (": " .. said) or "")
  local extra = { status = s, server_message = said, param = e.param, api_code = e.code }
  if s == 429 and (e.code == "insufficient_quota" or e.type == "insufficient_quota") then
    return "fail", failure("llm_quota", "the LLM account has no quota left (" .. detail .. ")", extra), "quota"
  end
  if s == 401 or s == 403 then
    return "fail", failure("llm_auth", "the LLM rejected the API key (" .. detail .. ")", extra), "auth"
  end
  if s == 408 or s == 409 or s == 429 or s >= 500 then
    extra.fallback, extra.reason = true, "unavailable"
    return "retry", failure("llm_unavailable", detail, extra), s == 429 and "rate_limited" or "server_error"
  end
  return "fail", failure("llm_bad_request", "the LLM refused the request (" .. detail .. ")", extra), "bad_request"
end

local function count_call(outcome, ms, usage)
  local ok, metrics = pcall(require, "chartd.metrics")
  if not ok then return end
  local p = type(usage) == "table" and math.tointeger(usage.prompt_tokens) or 0
  local c = type(usage) == "table" and math.tointeger(usage.completion_tokens) or 0
  metrics.llm_call(outcome, ms / 1000, p or 0, c or 0)
end

-- request(req, opts) → resp | nil, err. Retries as the policy says.
-- req  = { method=, path= (after base_url), body= (a table, JSON-encoded here) | body_text= }
-- opts = { base_url=, deadline_ms=, max_retries=, model=, progress=fn(msg), label=,
--          attempts_before= (HTTP attempts this request made already: progress counts on from
--          there), sleep=, now=, random= (tests) }
-- resp = { status=, headers=, body=, json= (decoded body or nil), attempts=, waits_ms={...} }
-- err  = { code = llm_auth|llm_quota|llm_bad_request|llm_unavailable, message=, fallback=,
--          reason = timeout|unavailable (fallbacks), status=, server_message=, param=, api_code=,
--          attempts= }
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
      last = last or failure("llm_unavailable", "no time left before the LLM's deadline",
        { fallback = true, reason = "timeout" })
      break
    end
    if opts.progress then
      local label = opts.label or ("asking " .. (opts.model or "the LLM"))
      local n = (opts.attempts_before or 0) + attempt
      opts.progress(attempt == 1 and ("%s (attempt %d)"):format(label, n)
        or ("%s (attempt %d; retry %d of %d)"):format(label, n, attempt - 1, max_attempts - 1))
    end
    local t0 = now()
    local resp, terr = http.request {
      method = req.method or "POST", url = url, body = body, auth = "llm",
      headers = body and { ["Content-Type"] = "application/json" } or nil,
      timeout_ms = math.floor(left), connect_timeout_ms = math.floor(math.min(left, M.CONNECT_TIMEOUT_MS)),
      max_bytes = M.MAX_REPLY_BYTES,
    }
    local verdict, err, outcome = M.classify(resp, terr)
    if verdict == "ok" then
      resp.attempts, resp.waits_ms = attempt, waits
      resp.json = json.decode(resp.body)
      count_call(outcome, now() - t0, type(resp.json) == "table" and resp.json.usage or nil)
      return resp
    end
    count_call(outcome, now() - t0)
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
  last.reason = last.reason or "unavailable"
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
