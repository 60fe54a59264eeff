-- lua/agent.lua: spec pass-through, offline planning with synthesis, follow-ups, and the LLM
-- planner's fallback and failures (a fake planner.openai injected through package.loaded).
local agent = require "agent"

local CSV = "month,revenue\n2024-01,10\n2024-02,20\n2024-03,15\n"
local TODAY = { year = 2026, month = 3, day = 15 }

local function stages()
  local seen = {}
  return seen, function(stage, _, msg) seen[#seen + 1] = stage .. ": " .. msg end
end

describe("the illustrative-data note", function()
  it("is drawn bottom-right in the theme's muted colour, and only when asked", function()
    local image = require "chartd.image"
    local pipeline = require "pipeline"
    local function render(note)
      local spec = { type = "bar", width = 400, height = 300, theme = "light",
        data = { values = { { k = "a", v = 1 }, { k = "b", v = 2 } } },
        encoding = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } } }
      return image.decode_png(assert(pipeline.render(spec, { note = note })).bytes)
    end
    -- pixels of the muted grey (#666666, anti-aliased towards white) in the bottom-right corner
    local function grey(img)
      local n = 0
      for y = 280, 299 do
        for x = 280, 399 do
          local r, g, b = img:pixel(x, y)
          if r == g and g == b and r < 200 then n = n + 1 end
        end
      end
      return n
    end
    assert.are.equal(0, grey(render(nil)))
    assert.is_true(grey(render(agent.NOTE)) > 20)
  end)
end)

describe("agent.plan", function()
  after_each(function() package.loaded["planner.openai"] = nil end)

  it("passes a spec through with the request's data and overrides", function()
    local spec, info = agent.plan({ spec = { type = "bar", theme = "light" }, data = CSV, theme = "dark", width = 300 })
    assert.are.same({ type = "bar", theme = "dark", data = CSV, width = 300 }, spec)
    assert.are.same({ synthetic = false }, info)
  end)

  it("plans offline and synthesizes data with a seed", function()
    local seen, progress = stages()
    local spec, info = agent.plan({ prompt = "quarterly revenue 2023-2024 for EMEA, APAC and Americas", seed = 9,
      today = TODAY }, { config = { planner = "offline" }, progress = progress })
    assert.are.equal("offline", info.planner)
    assert.is_true(info.synthetic)
    assert.are.equal(9, info.seed)
    assert.are.equal(9, spec.seed)
    assert.are.equal(24, #spec.data.values)
    assert.is_nil(spec.needs)
    assert.are.equal("planning: reading the request", seen[1])
    assert.are.equal("data_processing: synthesized 24 illustrative rows (seed 9)", seen[#seen])
  end)

  it("uses the request's data and the real columns", function()
    local spec, info = agent.plan({ prompt = "revenue by month", data = CSV }, { config = {} })
    assert.is_false(info.synthetic)
    assert.is_nil(info.seed)
    assert.are.equal(CSV, spec.data)
    assert.are.equal("month", spec.encoding.x.field)
    assert.are.equal("revenue", spec.encoding.y.field)
  end)

  it("edits the previous spec for a follow-up and keeps it marked synthetic", function()
    local first = agent.plan({ prompt = "monthly revenue in 2024", today = TODAY }, { config = {} })
    local spec, info = agent.plan({ prompt = "make it a bar chart" }, { config = {}, previous = first })
    assert.are.equal("bar", spec.type)
    assert.are.same({ "type" }, info.edits)
    assert.is_true(info.synthetic)
    assert.are.equal(first.seed, info.seed)
    assert.are.same(first.data, spec.data)
  end)

  it("edits a Vega-Lite spec sent with a prompt as the chartd spec it stands for", function()
    local vl = { mark = "bar", data = { values = { { a = "x", b = 1 }, { a = "y", b = 2 } } },
      encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" } } }
    local spec, info = agent.plan({ prompt = "make it a line chart", spec = vl }, { config = {} })
    assert.are.equal("line", spec.type)
    assert.are.same({ "type" }, info.edits)
    assert.are.equal("a", spec.encoding.x.field)
  end)

  it("plans fresh when the prompt is a new request, even with a previous spec", function()
    local first = agent.plan({ prompt = "monthly revenue in 2024", today = TODAY }, { config = {} })
    local spec, info = agent.plan({ prompt = "distribution of salaries" }, { config = {}, previous = first })
    assert.are.equal("histogram", spec.type)
    assert.is_nil(info.edits)
  end)

  it("uses the LLM planner and synthesizes from the prompt's needs", function()
    local got
    package.loaded["planner.openai"] = { plan = function(prompt, df, opts)
      got = { prompt = prompt, df = df, previous = opts.previous, deadline = opts.deadline_ms }
      return { type = "line", encoding = { x = { field = "q", type = "temporal", timeUnit = "quarter" },
        y = { field = "sales", type = "quantitative" }, color = { field = "area", type = "nominal" } } }
    end }
    local spec, info = agent.plan({ prompt = "quarterly sales 2024 for North and South", seed = 1 },
      { config = { planner = "openai" }, deadline_ms = 12345 })
    -- the LLM's own deadline leaves RESERVE_MS of the request's for the offline plan and render
    assert.are.same({ prompt = "quarterly sales 2024 for North and South", deadline = 12345 - agent.RESERVE_MS }, got)
    assert.are.equal("openai", info.planner)
    assert.are.equal(8, #spec.data.values) -- 4 quarters x North, South
    assert.are.equal("North", spec.data.values[1].area)
  end)

  it("falls back to the offline planner when the LLM is unreachable, and says why", function()
    package.loaded["planner.openai"] = { plan = function()
      return nil, { code = "llm_unavailable", message = "connection refused (3 attempts)", fallback = true,
        reason = "unavailable", calls = 1 }
    end }
    local said = {}
    local spec, info = agent.plan({ prompt = "revenue by month", data = CSV }, { config = { planner = "openai" },
      progress = function(_, _, msg) said[#said + 1] = msg end })
    assert.are.same({ "offline", "unavailable", "connection refused (3 attempts)", 1 },
      { info.planner, info.fallback_reason, info.fallback_detail, info.llm_calls })
    assert.truthy(said[2] == "connection refused (3 attempts); planning offline", said[2])
    assert.are.equal("month", spec.encoding.x.field)
  end)

  it("fails the request on an LLM error that is not a fallback", function()
    package.loaded["planner.openai"] = { plan = function()
      return nil, { code = "llm_auth", message = "the API key was refused (401)", fallback = false }
    end }
    local spec, err = agent.plan({ prompt = "revenue by month" }, { config = { planner = "openai" } })
    assert.is_nil(spec)
    assert.are.same({ code = "llm_auth", message = "the API key was refused (401)" }, err)
  end)

  it("answers a follow-up that cannot apply with invalid_request", function()
    local prev = { type = "bar", data = { values = { { k = "a", v = 1 } } },
      encoding = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } } }
    local spec, err = agent.plan({ prompt = "stack them" }, { config = {}, previous = prev })
    assert.is_nil(spec)
    assert.are.same({ code = "invalid_request", path = "prompt",
      message = "prompt: there is only one series to stack; split the chart by a column first" }, err)
  end)

  it("reports unreadable data as invalid_data", function()
    local spec, err = agent.plan({ prompt = "revenue by month", data = { columns = "x" } }, { config = {} })
    assert.is_nil(spec)
    assert.are.equal("invalid_data", err.code)
  end)
end)
