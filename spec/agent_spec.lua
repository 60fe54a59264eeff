-- lua/agent.lua in a conversation: specs drawn as sent, offline planning with synthesis, data kept
-- for follow-ups (never invented while the conversation has some), edits, new requests, styling
-- notes, undo, unclear follow-ups, evicted data, and the LLM planner's fallback and failures (a
-- fake planner.openai injected through package.loaded). The host's conversation store
-- (src/conversations.c) is played by a table with the same ctx.recall/ctx.remember interface.
local agent = require "agent"

local CSV = "month,revenue,region\n2024-01,10,EU\n2024-02,20,EU\n2024-03,15,US\n2024-01,7,US\n"
local TODAY = { year = 2026, month = 3, day = 15 }

local function stages()
  local seen = {}
  return seen, function(stage, _, msg) seen[#seen + 1] = stage .. ": " .. msg end
end

local host, turn = require("conversation_host").host, require("conversation_host").turn

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

  it("passes a spec through with the request's data parsed once and the overrides", function()
    local spec, info = agent.plan({ spec = { type = "bar", theme = "light" }, data = CSV, theme = "dark", width = 300 })
    assert.are.equal("dark", spec.theme)
    assert.are.equal(300, spec.width)
    assert.is_true(require("data.frame").is_frame(spec.data))
    assert.are.equal(4, spec.data.nrows)
    assert.are.equal("spec", info.outcome)
    assert.are.equal("message", info.keep_data.kind)
  end)

  it("plans offline and synthesizes data with a seed when there is no data", function()
    local seen, progress = stages()
    local spec, info = agent.plan({ prompt = "quarterly revenue 2023-2024 for EMEA, APAC and Americas", seed = 9,
      today = TODAY }, { config = { planner = "offline" }, progress = progress })
    assert.are.equal("offline", info.planner)
    assert.is_true(info.synthetic)
    assert.are.equal(9, info.seed)
    assert.are.equal(24, #spec.data.values)
    assert.is_nil(spec.needs)
    assert.is_true(info.keep_data.synthetic)
    assert.are.equal("planning: reading the request", seen[1])
    assert.are.equal("data_processing: synthesized 24 illustrative rows (seed 9)", seen[#seen])
  end)

  it("reads relative dates against the request's day", function()
    -- since January of that year: seven weeks on 20 February (days), eleven months in December
    local prompt = "revenue since January 2026"
    local feb = agent.plan({ prompt = prompt, today = { year = 2026, month = 2, day = 20 } },
      { config = { planner = "offline" } })
    local dec = agent.plan({ prompt = prompt, today = { year = 2026, month = 12, day = 5 } },
      { config = { planner = "offline" } })
    assert.are.equal("yearmonthdate", feb.encoding.x.timeUnit)
    assert.are.equal("yearmonth", dec.encoding.x.timeUnit)
  end)

  it("keeps the data sent on turn 1 for every follow-up, never inventing any", function()
    local ctx = host()
    local spec, info = turn(ctx, { prompt = "revenue by month", data = CSV })
    assert.is_false(info.synthetic)
    assert.are.equal("month", spec.encoding.x.field)
    -- a follow-up without data: drawn on the data kept
    spec, info = turn(ctx, { prompt = "colour by region" })
    assert.are.equal("edit", info.outcome)
    assert.is_false(info.synthetic)
    assert.are.equal("region", spec.encoding.color.field)
    assert.are.equal(4, spec.data.nrows)
    -- a new request in the conversation: planned on the same data
    spec, info = turn(ctx, { prompt = "scratch that. total revenue per region" })
    assert.are.equal("new", info.outcome)
    assert.is_false(info.synthetic)
    assert.are.equal("region", spec.encoding.x.field)
    assert.are.equal("sum", spec.encoding.y.aggregate)
  end)

  it("reads a resent copy of the same data as a follow-up, and new data as a new chart of the same intent", function()
    local ctx = host()
    turn(ctx, { prompt = "revenue by month", data = CSV })
    local spec, info = turn(ctx, { prompt = "make it a bar chart", data = CSV })
    assert.are.equal("edit", info.outcome)
    assert.are.equal("bar", spec.type)
    assert.is_nil(info.keep_data) -- the same content hash: nothing new to keep
    -- other data with the chart's columns: the chart carries over onto it
    local other = "month,revenue,region\n2025-01,1,EU\n2025-02,2,EU\n"
    spec, info = turn(ctx, { prompt = "as a line", data = other })
    assert.are.equal("line", spec.type)
    assert.are.equal(2, spec.data.nrows)
    assert.is_not_nil(info.keep_data)
  end)

  it("plans afresh on new data that lacks the chart's columns, keeping only the chart's look", function()
    local ctx = host()
    local spec = turn(ctx, { prompt = "pie chart of revenue by region", data = CSV, theme = "dark" })
    assert.are.equal("pie", spec.type)
    local other = "team,goals,coach\nReds,10,Ann\nBlues,7,Bo\nGreens,3,Cy\n"
    local info
    spec, info = turn(ctx, { prompt = "average goals per team", data = other })
    assert.are.equal("new", info.outcome)
    assert.are.equal("bar", spec.type) -- a mean is not a pie's share: the type is not forced onto new data
    assert.are.equal("team", spec.encoding.x.field)
    assert.are.equal("dark", spec.theme)
    assert.are.equal(3, spec.data.nrows)
    assert.matches("planned afresh", info.notes[1], 1, true)
  end)

  it("chooses telling columns for a vague first turn, says so, and lets the next turn name them", function()
    local ctx = host()
    local spec, info = turn(ctx, { prompt = "show me bars", data = CSV })
    assert.are.equal("bar", spec.type)
    assert.matches("names no column", info.notes[1], 1, true)
    spec, info = turn(ctx, { prompt = "average revenue per region" })
    assert.are.equal("region", spec.encoding.x.field)
    assert.are.equal("mean", spec.encoding.y.aggregate)
  end)

  it("acknowledges styling it cannot apply and keeps the chart", function()
    local ctx = host()
    local before = turn(ctx, { prompt = "revenue by month", data = CSV })
    local spec, info = turn(ctx, { prompt = "make it prettier" })
    assert.are.equal("style", info.outcome)
    assert.matches("not applied", info.notes[1], 1, true)
    assert.are.same(before.encoding, spec.encoding)
  end)

  it("goes back to the chart before", function()
    local ctx = host()
    turn(ctx, { prompt = "revenue by month", data = CSV })
    turn(ctx, { prompt = "colour by region" })
    local spec, info = turn(ctx, { prompt = "undo" })
    assert.are.same({ "undo" }, info.edits)
    assert.is_nil(spec.encoding.color)
  end)

  it("does not go back to a chart drawn on other data, and says why", function()
    local ctx = host()
    turn(ctx, { prompt = "revenue by month", data = CSV })
    turn(ctx, { prompt = "colour by region" })
    local other = "month,revenue,region\n2024-01,1,EU\n2024-02,2,EU\n2024-03,3,US\n"
    turn(ctx, { prompt = "revenue by region", data = other })
    local spec, info = turn(ctx, { prompt = "go back" })
    assert.is_nil(spec)
    assert.are.equal("unclear_followup", info.code)
    assert.matches("other data", info.message, 1, true)
    -- a change on the new data goes back as usual
    turn(ctx, { prompt = "make it a pie chart" })
    local back, again = turn(ctx, { prompt = "go back" })
    assert.are.same({ "undo" }, again.edits)
    assert.are.equal("bar", back.type)
  end)

  it("goes back to the first chart when a change after it failed, saying so", function()
    local ctx = host()
    local first = turn(ctx, { prompt = "revenue by month", data = CSV })
    assert.is_nil(turn(ctx, { prompt = "frobnicate the quux zibble" }))
    local spec, info = turn(ctx, { prompt = "go back" })
    assert.are.same(first.encoding, spec.encoding)
    assert.matches("first chart", info.notes[1], 1, true)
  end)

  it("does not carry a distribution type into a new chart of totals", function()
    local ctx = host()
    assert.are.equal("box", turn(ctx, { prompt = "box plot of revenue by region", data = CSV }).type)
    turn(ctx, { prompt = "swap axes" })
    local spec = turn(ctx, { prompt = "total revenue per month" })
    assert.are_not.equal("box", spec.type)
    assert.are.equal("sum", spec.encoding.y.aggregate)
    assert.is_nil(spec.options and spec.options.horizontal)
  end)

  it("answers a follow-up it cannot read with unclear_followup and suggestions, keeping the chart", function()
    local ctx = host()
    turn(ctx, { prompt = "revenue by month", data = CSV })
    local spec, err = turn(ctx, { prompt = "frobnicate the quux zibble" })
    assert.is_nil(spec)
    assert.are.equal("unclear_followup", err.code)
    assert.is_true(#err.suggestions >= 3)
    -- the conversation still has its chart and data
    spec = turn(ctx, { prompt = "as a bar chart" })
    assert.are.equal("bar", spec.type)
    assert.are.equal(4, spec.data.nrows)
  end)

  it("asks the LLM, with the chart and the data, about a follow-up the rules cannot read", function()
    local calls = {}
    package.loaded["planner.openai"] = { plan = function(prompt, df, o)
      calls[#calls + 1] = { prompt = prompt, previous = o.previous, rows = df and df.nrows }
      return { type = "area", encoding = { x = { field = "month", type = "temporal" },
        y = { field = "revenue", type = "quantitative", aggregate = "sum" } } }
    end }
    local ctx = host()
    turn(ctx, { prompt = "revenue by month", data = CSV }, { planner = "openai" })
    local spec, info = turn(ctx, { prompt = "frobnicate the quux zibble", theme = "dark" }, { planner = "openai" })
    assert.are.equal(2, #calls)
    assert.are.equal("frobnicate the quux zibble", calls[2].prompt)
    assert.are.equal("month", calls[2].previous.encoding.x.field) -- the chart before
    assert.are.equal(4, calls[2].rows) -- and the conversation's data, never invented
    assert.are.equal("area", spec.type)
    assert.are.equal("edit", info.outcome)
    assert.is_false(info.synthetic)
    -- rules first: an edit they read never reaches the LLM
    turn(ctx, { prompt = "as a bar chart" }, { planner = "openai" })
    assert.are.equal(2, #calls)
  end)

  it("says when the conversation's data was dropped for the memory budget", function()
    local ctx, store = host()
    turn(ctx, { prompt = "revenue by month", data = CSV })
    store.data, store.evicted, store.evicted_bytes = nil, true, 2500000
    local spec, err = turn(ctx, { prompt = "as a bar chart" })
    assert.is_nil(spec)
    assert.are.equal("data_evicted", err.code)
    assert.matches("2.5 MB", err.message, 1, true)
  end)

  it("keeps the data of a first turn that could not be read", function()
    local ctx = host()
    local spec, err = turn(ctx, { prompt = "xyzzy plugh", data = CSV })
    if spec then return end -- a vague chart is an answer too
    assert.is_not_nil(err)
    spec = turn(ctx, { prompt = "revenue by region" })
    assert.are.equal(4, spec.data.nrows)
  end)

  it("edits a Vega-Lite spec sent with a prompt as the chartd spec it stands for", function()
    local vl = { mark = "bar", data = { values = { { a = "x", b = 1 }, { a = "y", b = 2 } } },
      encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" } } }
    local spec, info = agent.plan({ prompt = "make it a line chart", spec = vl }, { config = {} })
    assert.are.equal("line", spec.type)
    assert.are.same({ "type" }, info.edits)
    assert.are.equal("a", spec.encoding.x.field)
  end)

  it("uses the LLM planner and synthesizes from the prompt's needs", function()
    local got
    package.loaded["planner.openai"] = { plan = function(prompt, df, opts)
      got = { prompt = prompt, df = df, previous = opts.previous, deadline = opts.deadline_ms }
      return { type = "line", encoding = { x = { field = "q", type = "temporal", timeUnit = "yearquarter" },
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

  it("reports unreadable data as invalid_data", function()
    local spec, err = agent.plan({ prompt = "revenue by month", data = { columns = "x" } }, { config = {} })
    assert.is_nil(spec)
    assert.are.equal("invalid_data", err.code)
  end)
end)
