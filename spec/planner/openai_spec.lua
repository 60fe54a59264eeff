-- planner.openai and planner.llm_client against tests/e2e/fake_openai.py (a real HTTP server on
-- 127.0.0.1), through chartd.http's synchronous path. ctest sets OPENAI_API_KEY for this folder.
local http = require "chartd.http"
local clock = require "chartd.clock"
local json = require "util.json"
local frame = require "data.frame"
local openai = require "planner.openai"
local client = require "planner.llm_client"

local KEY = os.getenv("OPENAI_API_KEY")

local CSV = "month,revenue,region\n2024-01,120,EMEA\n2024-02,90,APAC\n2024-03,150,EMEA\n"
  .. "2024-04,60,APAC\n2024-05,70,EMEA\n2024-06,80,APAC\n2024-07,99,Americas\n"

local GOOD = { type = "bar", title = "Revenue by region",
  encoding = { x = { field = "region", type = "nominal" },
    y = { field = "revenue", type = "quantitative", aggregate = "sum" } } }

local function start_fake()
  local proc = assert(io.popen("exec python3 tests/e2e/fake_openai.py", "r"))
  local line = proc:read("l") or ""
  local port = assert(line:match("^PORT (%d+)$"), "fake_openai did not start: " .. line)
  local fake = { proc = proc, root = "http://127.0.0.1:" .. port }
  fake.base_url = fake.root .. "/v1"
  function fake.script(responses, default, server)
    local r = assert(http.request { method = "POST", url = fake.root .. "/_script",
      body = json.encode { responses = json.array(responses), default = default, server = server } })
    assert(r.status == 200)
    assert(http.request { method = "POST", url = fake.root .. "/_reset_requests" })
  end
  function fake.requests()
    return json.decode(assert(http.request { url = fake.root .. "/_requests" }).body)
  end
  function fake.stop()
    http.request { method = "POST", url = fake.root .. "/_shutdown" }
    proc:close()
  end
  return fake
end

local function chat(content, extra)
  local c = { content = type(content) == "table" and json.encode(content) or content }
  for k, v in pairs(extra or {}) do c[k] = v end
  return { chat = c }
end

local function contains(list, want)
  for _, v in ipairs(list) do if v == want then return true end end
  return false
end

describe("planner.llm_client policy", function()
  it("reads retry-after-ms before Retry-After seconds", function()
    assert.equal(250, client.retry_after_ms { ["retry-after-ms"] = "250", ["retry-after"] = "3" })
    assert.equal(3000, client.retry_after_ms { ["retry-after"] = "3" })
    assert.is_nil(client.retry_after_ms {})
  end)
  it("backs off with full jitter under a doubling ceiling", function()
    assert.equal(500, client.backoff_ms(1, function() return 1 end))
    assert.equal(2000, client.backoff_ms(3, function() return 1 end))
    assert.equal(8000, client.backoff_ms(10, function() return 1 end))
    assert.equal(0, client.backoff_ms(4, function() return 0 end))
  end)
  it("classifies statuses", function()
    local function code(status, body)
      local verdict, err = client.classify({ status = status, headers = {}, body = body or "" })
      return verdict .. (err and (":" .. err.code) or "")
    end
    assert.equal("ok", code(200))
    assert.equal("fail:llm_auth", code(401))
    assert.equal("fail:llm_auth", code(403))
    assert.equal("fail:llm_bad_request", code(400))
    assert.equal("fail:llm_bad_request", code(404))
    assert.equal("retry:llm_unavailable", code(408))
    assert.equal("retry:llm_unavailable", code(409))
    assert.equal("retry:llm_unavailable", code(429, '{"error":{"type":"requests","code":"rate_limit_exceeded"}}'))
    assert.equal("fail:llm_quota", code(429, '{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}'))
    assert.equal("retry:llm_unavailable", code(502))
    assert.equal("retry", (client.classify(nil, { kind = "connect", message = "x" })))
  end)
  it("never passes a key-like string from the server on", function()
    assert.equal("Incorrect API key provided: sk-***.", client.redact("Incorrect API key provided: sk-abc**xyz."))
  end)
end)

describe("planner.openai.response_schema", function()
  it("is strict: every object closed with all its properties required", function()
    local s = openai.response_schema({ "bar", "line" }, { "light", "dark" })
    local function walk(node, path)
      if type(node) ~= "table" then return end
      if node.properties then
        assert.equal(false, node.additionalProperties, path)
        local n = 0
        for name in pairs(node.properties) do
          n = n + 1
          assert.is_true(contains(node.required, name), path .. "." .. name .. " not required")
        end
        assert.equal(n, #node.required, path)
      end
      for k, v in pairs(node) do walk(v, path .. "/" .. tostring(k)) end
    end
    walk(s, "")
    assert.is_nil(s.properties.data)
    assert.same({ "description", "encoding", "height", "options", "subtitle", "theme", "title", "type", "width" },
      s.required)
    assert.same({ "bar", "line" }, s.properties.type.enum)
  end)
end)

describe("planner.openai reading what models write", function()
  local SPEC = '{"type": "bar", "encoding": {"x": {"field": "a"}}}'
  it("reads a bare object, a fenced one, and the first complete object in prose", function()
    for _, text in ipairs({ SPEC, "```json\n" .. SPEC .. "\n```", "```\n" .. SPEC .. "\n```\nThat's it.",
      "Here you go: " .. SPEC .. " (a bar chart {of sorts})", 'Note "{not this}": ' .. SPEC,
      "{broken} then " .. SPEC }) do
      local v, err = openai.read_reply(text)
      assert.is_nil(err, text)
      assert.equal("bar", v.type, text)
      assert.equal("a", v.encoding.x.field, text)
    end
  end)
  it("reports the decoder's own error, with its position, when there is no object", function()
    local v, err = openai.read_reply('{"type": "bar", "encoding": {"x": ')
    assert.is_nil(v)
    assert.truthy(err:find("line 1", 1, true) or err:find("column", 1, true), err)
    assert.are_not.equal("empty reply", err)
    assert.equal("the reply was empty", select(2, openai.read_reply("  \n")))
  end)
end)

describe("planner.llm_client reading error bodies of any shape", function()
  it("finds the message in error.message, a string error, top-level message and detail", function()
    local cases = {
      { '{"error":{"message":"A","param":"response_format","code":"x"}}', "A" },
      { '{"object":"error","message":"B","type":"BadRequestError","param":null,"code":400}', "B" },
      { '{"error":"C"}', "C" },
      { '{"detail":"D"}', "D" },
      { '{"detail":[{"loc":["body","response_format","type"],"msg":"E"}]}', "body.response_format.type: E" },
      { "plain text F", "plain text F" },
    }
    for _, c in ipairs(cases) do assert.equal(c[2], client.server_error(c[1]).message, c[1]) end
    assert.is_nil(client.server_error("").message)
  end)
  it("keeps the server's words in a 400's message and names what it is about", function()
    local _, err = client.classify({ status = 422, headers = {},
      body = '{"detail":[{"loc":["body","response_format","type"],"msg":"Input should be text"}]}' })
    assert.equal("the LLM refused the request (HTTP 422: body.response_format.type: Input should be text)", err.message)
    assert.equal("format", openai.refusal_topic(err))
    local topics = {
      { 400, "Unsupported parameter: 'max_tokens' is not supported with this model.", "max_tokens" },
      { 400, "Unsupported value: 'temperature' does not support 0 with this model.", "temperature" },
      { 400, "This model's maximum context length is 2048 tokens.", "context" },
      { 404, "The model `gpt-9` does not exist", "model" },
      { 400, "JSON schema conversion failed: Unrecognized schema", "format" },
      { 400, "something nobody wrote before", "format" },
    }
    for _, t in ipairs(topics) do
      assert.equal(t[3], openai.refusal_topic({ status = t[1], server_message = t[2] }), t[2])
    end
  end)
  it("knows the reasoning families by name", function()
    for _, m in ipairs({ "o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "openai/o3" }) do
      assert.is_true(openai.reasoning_model(m), m)
    end
    for _, m in ipairs({ "gpt-4o-mini", "gpt-4.1", "llama3", "qwen2.5-7b", "omni" }) do
      assert.is_false(openai.reasoning_model(m), m)
    end
  end)
end)

describe("planner.openai against a fake OpenAI server", function()
  if not KEY then
    pending("needs OPENAI_API_KEY in the environment (ctest sets it for spec/planner)")
    return
  end
  local fake, df, level
  local log = require "chartd.log"
  setup(function()
    level = log.level()
    log.set_level("error") -- the planner's own warnings (llm_gave_up...) are expected here
    fake = start_fake()
    df = assert(frame.from_data(CSV, "data"))
  end)
  teardown(function()
    fake.stop()
    log.set_level(level)
  end)
  -- what a server taught the planner stays for the next request: each test starts afresh
  before_each(function() openai.forget() end)

  local function plan(prompt, opts)
    opts = opts or {}
    opts.base_url = fake.base_url
    opts.model = opts.model or "gpt-4o-mini"
    opts.max_retries = opts.max_retries or 3
    opts.random = opts.random or function() return 0 end
    local messages = {}
    opts.progress = function(m) messages[#messages + 1] = m end
    local t0 = clock.now_ms()
    local data = df
    if opts.df == false then data = nil end
    local spec, err = openai.plan(prompt, data, opts)
    return spec, err, messages, (clock.now_ms() - t0) / 1000
  end

  it("returns the spec of a valid reply and sends the key, the schema and a data summary", function()
    fake.script({ chat(GOOD) })
    local spec, err, progress = plan("total revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    assert.same({ "asking gpt-4o-mini (attempt 1)" }, progress)
    local reqs = fake.requests()
    assert.equal(1, #reqs)
    assert.equal("/v1/chat/completions", reqs[1].path)
    assert.equal("Bearer " .. KEY, reqs[1].headers.authorization)
    local body = reqs[1].json
    assert.equal("gpt-4o-mini", body.model)
    assert.equal("json_schema", body.response_format.type)
    assert.equal(true, body.response_format.json_schema.strict)
    assert.equal("system", body.messages[1].role)
    local user = body.messages[2].content
    assert.truthy(user:find("Request: total revenue by region", 1, true))
    assert.truthy(user:find('- "revenue" (quantitative): 7 distinct, min 60, max 150', 1, true))
    assert.truthy(user:find('- "region" (nominal): 3 distinct, values "EMEA", "APAC", "Americas"', 1, true))
    assert.truthy(user:find("First 5 rows:", 1, true))
    assert.falsy(user:find("Americas\"]", 1, true)) -- row 7 is not sent: only a sample
  end)

  it("sends the validator's exact errors back and returns the repaired spec", function()
    local bad = { type = "bar", encoding = { x = { field = "regoin", type = "nominal" },
      y = { field = "revenue", type = "quantitative" } } }
    fake.script({ chat(bad), chat(GOOD) })
    local spec, err, progress = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    local reqs = fake.requests()
    assert.equal(2, #reqs)
    local msgs = reqs[2].json.messages
    assert.equal(4, #msgs)
    assert.equal("assistant", msgs[3].role)
    assert.same(bad, json.decode(msgs[3].content))
    assert.truthy(msgs[4].content:find(
      'encoding.x.field: no column "regoin" (did you mean "region"?); columns are month, revenue, region', 1, true),
      msgs[4].content)
    assert.equal("asking gpt-4o-mini to fix the spec (attempt 2)", progress[2]) -- the request's 2nd call
  end)

  it("gives up with llm_invalid_output after MAX_RETRIES repairs", function()
    fake.script({}, chat("this is not json"))
    local spec, err = plan("revenue by region", { max_retries = 2 })
    assert.is_nil(spec)
    assert.equal("llm_invalid_output", err.code)
    assert.equal(3, #fake.requests())
    assert.truthy(err.message:find("gave no valid chart spec in 3 answers: the reply is not valid JSON", 1, true))
  end)

  it("handles finish_reason length, empty choices, null content, content_filter and refusals", function()
    fake.script({ chat('{"type": "bar", "encod', { finish_reason = "length" }), chat(GOOD) })
    local spec, err = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    local reqs = fake.requests()
    assert.equal(2, #reqs)
    assert.truthy(reqs[2].json.messages[4].content:find('finish_reason "length"', 1, true))

    -- nothing to repair: one call, then the offline planner (announced by the agent)
    for _, silent in ipairs({ { chat = { no_choices = true } }, chat(json.null), chat("  ") }) do
      fake.script({ silent }, chat(GOOD))
      spec, err = plan("revenue by region")
      assert.is_nil(spec)
      assert.same({ "llm_invalid_output", true, "no_content", 1 }, { err.code, err.fallback, err.reason, err.calls })
      assert.equal(1, #fake.requests())
    end

    fake.script({ chat(GOOD, { finish_reason = "content_filter" }) }, chat(GOOD))
    spec, err = plan("revenue by region")
    assert.is_nil(spec)
    assert.same({ "llm_invalid_output", false }, { err.code, err.fallback })
    assert.truthy(err.message:find("content filter", 1, true))
    assert.equal(1, #fake.requests())

    fake.script({ chat(json.null, { refusal = "I can't help with that." }) })
    spec, err = plan("revenue by region")
    assert.is_nil(spec)
    assert.equal("llm_invalid_output", err.code)
    assert.equal("the model declined the request: I can't help with that.", err.message)
    assert.equal(1, #fake.requests())
  end)

  it("waits at least Retry-After after a 429", function()
    fake.script({ { status = 429, headers = { ["Retry-After"] = "1" },
      body = { error = { message = "Rate limit reached", type = "requests", code = "rate_limit_exceeded" } } },
      chat(GOOD) })
    local spec, err, progress = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    local reqs = fake.requests()
    assert.equal(2, #reqs)
    assert.is_true(reqs[2].t - reqs[1].t >= 1.0, "waited " .. (reqs[2].t - reqs[1].t))
    assert.is_true(reqs[2].t - reqs[1].t < 1.5, "waited " .. (reqs[2].t - reqs[1].t))
    assert.equal("asking gpt-4o-mini (attempt 2; retry 1 of 3)", progress[3])
  end)

  it("retries 500, 502, 503 and then succeeds", function()
    fake.script({ { status = 500, body = { error = { message = "boom" } } }, { status = 502, body = "bad gateway" },
      { status = 503, body = "unavailable" }, chat(GOOD) })
    local spec, err = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    assert.equal(4, #fake.requests())
  end)

  it("falls back (llm_unavailable) when 5xx outlasts the transport retries", function()
    fake.script({}, { status = 503, body = "unavailable" })
    local spec, err = plan("revenue by region", { max_retries = 2 })
    assert.is_nil(spec)
    assert.equal("llm_unavailable", err.code)
    assert.is_true(err.fallback)
    assert.equal(3, #fake.requests())
    -- the server's own words are kept
    assert.equal("the LLM at " .. fake.base_url .. " did not answer: HTTP 503: unavailable", err.message)
  end)

  it("waits with exponential backoff between attempts", function()
    fake.script({ { status = 500, body = "x" }, { status = 500, body = "x" }, chat(GOOD) })
    local spec = plan("revenue by region", { random = function() return 1 end })
    assert.same(GOOD, spec)
    local reqs = fake.requests()
    local d1, d2 = reqs[2].t - reqs[1].t, reqs[3].t - reqs[2].t
    assert.is_true(d1 >= 0.5 and d1 < 0.8, "first wait " .. d1)
    assert.is_true(d2 >= 1.0 and d2 < 1.3, "second wait " .. d2)
  end)

  it("fails at once on 401 (llm_auth) and insufficient_quota (llm_quota)", function()
    fake.script({ { status = 401, body = { error = { message = "Incorrect API key provided: sk-te**23.",
      type = "invalid_request_error", code = "invalid_api_key" } } } })
    local spec, err = plan("revenue by region")
    assert.is_nil(spec)
    assert.equal("llm_auth", err.code)
    assert.falsy(err.fallback)
    assert.equal("the LLM rejected the API key (HTTP 401: Incorrect API key provided: sk-***.)", err.message)
    assert.equal(1, #fake.requests())

    fake.script({ { status = 429, body = { error = { message = "You exceeded your current quota",
      type = "insufficient_quota", code = "insufficient_quota" } } } })
    spec, err = plan("revenue by region")
    assert.is_nil(spec)
    assert.equal("llm_quota", err.code)
    assert.equal(1, #fake.requests())
  end)

  it("steps down to plain on each refusal, whatever its shape, and starts there next time", function()
    local function formats()
      local out = {}
      for i, r in ipairs(fake.requests()) do
        out[i] = type(r.json.response_format) == "table" and r.json.response_format.type or "plain"
      end
      return out
    end
    fake.script({}, chat(GOOD), { name = "lmstudio", refuse = json.array({ "json_schema", "json_object" }) })
    local spec, err, progress = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    assert.same({ "json_schema", "json_object", "plain" }, formats())
    local last = fake.requests()[3].json.messages
    assert.truthy(last[#last].content:find("must match this JSON schema", 1, true))
    assert.truthy(progress[2]:find("refused json_schema", 1, true), progress[2])
    fake.script({}, chat(GOOD), { name = "lmstudio", refuse = json.array({ "json_schema", "json_object" }) })
    spec, err = plan("revenue by month")
    assert.same(GOOD, spec)
    assert.is_nil(err)
    assert.same({ "plain" }, formats()) -- remembered for this base URL
  end)

  it("asks a reasoning model with max_completion_tokens and no temperature, or learns to", function()
    fake.script({}, chat(GOOD), { name = "openai", refuse = json.array({}), reasoning = true })
    local spec, err = plan("revenue by region", { model = "o3-mini" })
    assert.is_nil(err)
    assert.same(GOOD, spec)
    local body = fake.requests()[1].json
    assert.same({ 1500, nil, nil }, { body.max_completion_tokens, body.max_tokens, body.temperature })
    fake.script({}, chat(GOOD), { name = "openai", refuse = json.array({}), reasoning = true })
    spec, err = plan("revenue by region", { model = "in-house-thinker" })
    assert.same(GOOD, spec)
    assert.is_nil(err)
    local reqs = fake.requests()
    assert.equal(3, #reqs) -- max_tokens refused, then temperature, then the answer
    assert.same({ 1500, 0 }, { reqs[1].json.max_tokens, reqs[1].json.temperature })
    assert.same({ 1500, nil }, { reqs[3].json.max_completion_tokens, reqs[3].json.temperature })
  end)

  it("switches to json_object mode when the server rejects json_schema", function()
    fake.script({ { status = 400, body = { error = { message = "Invalid parameter: 'response_format' of type "
      .. "'json_schema' is not supported with this model.", param = "response_format" } } }, chat(GOOD) })
    local spec, err = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
    local reqs = fake.requests()
    assert.equal("json_schema", reqs[1].json.response_format.type)
    assert.equal("json_object", reqs[2].json.response_format.type)
  end)

  it("times out a reply that never ends from the remaining deadline", function()
    fake.script({ { never_end = true } })
    local spec, err, _, secs = plan("revenue by region", { deadline_ms = clock.now_ms() + 1500, max_retries = 0 })
    assert.is_nil(spec)
    assert.equal("llm_unavailable", err.code)
    assert.is_true(err.fallback)
    assert.truthy(err.message:find("timeout: Operation timed out", 1, true), err.message)
    assert.is_true(secs >= 1.2 and secs < 2.5, "took " .. secs)
  end)

  it("caps a 50 MB body and does not retry it", function()
    fake.script({ { size_mb = 50 } }, chat(GOOD))
    local spec, err, _, secs = plan("revenue by region")
    assert.is_nil(spec)
    assert.equal("llm_unavailable", err.code)
    assert.equal("the LLM reply was too large: the response body is larger than max_bytes (4194304 bytes)", err.message)
    assert.equal(1, #fake.requests())
    assert.is_true(secs < 2, "took " .. secs)
  end)

  it("reads a slow body to the end", function()
    fake.script({ { chat = { content = json.encode(GOOD) }, slow_body = 0.002 } })
    local spec, err = plan("revenue by region")
    assert.is_nil(err)
    assert.same(GOOD, spec)
  end)

  it("shows the previous chart for a follow-up and plans without data", function()
    local line = { type = "line", title = "Revenue", encoding = { x = { field = "month", type = "temporal" },
      y = { field = "revenue", type = "quantitative" } } }
    fake.script({ chat(line) })
    local spec = plan("make it a line chart", { previous = { type = "bar", title = "Revenue",
      data = { values = { { a = 1 } } }, encoding = GOOD.encoding } })
    assert.same(line, spec)
    local user = fake.requests()[1].json.messages[2].content
    assert.truthy(user:find('Previous chart (the user may be asking to change it):\n{"encoding":', 1, true))
    assert.falsy(user:find('"data"', 1, true))

    fake.script({ chat({ type = "line", encoding = { x = { field = "quarter", type = "temporal" },
      y = { field = "sales", type = "quantitative" } } }) })
    local spec2, err = plan("quarterly sales", { df = false })
    assert.is_nil(err)
    assert.equal("sales", spec2.encoding.y.field)
    assert.truthy(fake.requests()[1].json.messages[2].content:find("No data was given.", 1, true))
  end)

  it("maps a refused connection to llm_unavailable with fallback", function()
    local spec, err = openai.plan("revenue", df, { base_url = "http://127.0.0.1:1/v1", max_retries = 1,
      random = function() return 0 end })
    assert.is_nil(spec)
    assert.equal("llm_unavailable", err.code)
    assert.is_true(err.fallback)
    assert.truthy(err.message:find("connect: ", 1, true), err.message)
  end)
end)
