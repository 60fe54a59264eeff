-- The no-data path: chart type and the fields a request needs, from its words alone.
local offline = require "planner.offline"
local needs = require "planner.needs"

local TODAY = { year = 2026, month = 12, day = 5 }

local function plan(prompt)
  return offline.plan(prompt, nil, { today = TODAY })
end

describe("planner without data", function()
  it("plans a stacked quarterly bar with named regions, period and theme", function()
    local prompt = "quarterly revenue 2023–2024 for EMEA, APAC and Americas as a stacked bar, dark theme"
    local spec = assert(plan(prompt))
    assert.equal("bar", spec.type)
    assert.equal("dark", spec.theme)
    assert.same({ stacked = true }, spec.options)
    assert.same({ field = "quarter", type = "temporal", timeUnit = "yearquarter", title = "Quarter" }, spec.encoding.x)
    assert.same({ field = "revenue", type = "quantitative", aggregate = "sum" }, spec.encoding.y)
    assert.same({ field = "region", type = "nominal" }, spec.encoding.color)
    assert.same({
      x = { kind = "temporal", name = "quarter", unit = "quarter", ranges = {
        { from = { y = 2023, m = 1, months = 12 }, to = { y = 2024, m = 1, months = 12 } } } },
      y = { kind = "quantitative", name = "revenue" },
      color = { kind = "nominal", name = "region", categories = { "EMEA", "APAC", "Americas" } },
    }, spec.needs)
  end)

  it("reads a one-year period with a monthly unit as a line", function()
    local spec = assert(plan("monthly active users in 2024"))
    assert.equal("line", spec.type)
    assert.same({ kind = "temporal", name = "month", unit = "month",
      ranges = { { from = { y = 2024, m = 1, months = 12 }, to = { y = 2024, m = 1, months = 12 } } } },
      spec.needs.x)
    assert.same({ kind = "quantitative", name = "active users" }, spec.needs.y)
    assert.is_nil(spec.needs.color)
  end)

  it("reads 'from 2020 to 2022', a mean, and city names", function()
    local spec = assert(plan("average temperature by month for Paris, London and Berlin from 2020 to 2022"))
    assert.equal("line", spec.type)
    assert.equal("mean", spec.encoding.y.aggregate)
    assert.same({ { from = { y = 2020, m = 1, months = 12 }, to = { y = 2022, m = 1, months = 12 } } },
      spec.needs.x.ranges)
    assert.same({ "Paris", "London", "Berlin" }, spec.needs.color.categories)
    assert.equal("city", spec.needs.color.name)
  end)

  it("lets the request's theme field win over the words", function()
    assert.equal("light", offline.plan("revenue by month, dark theme", nil, { theme = "light" }).theme)
  end)

  it("reads a relative period", function()
    local spec = assert(plan("weekly signups over the last 12 weeks"))
    assert.same({ kind = "temporal", name = "week", unit = "week", ranges = { { last = 12, unit = "week" } } },
      spec.needs.x)
  end)

  it("plans a share as a pie whose parts come from the request", function()
    local spec = assert(plan("share of sales by channel: Online, Retail and Wholesale"))
    assert.equal("pie", spec.type)
    assert.same({ field = "sales", type = "quantitative", aggregate = "sum" }, spec.encoding.theta)
    assert.same({ kind = "nominal", name = "channel", categories = { "Online", "Retail", "Wholesale" },
      parts_of_whole = true }, spec.needs.color)
  end)

  it("plans a distribution as a histogram and a 'vs' as a correlated scatter", function()
    local h = assert(plan("distribution of customer age"))
    assert.equal("histogram", h.type)
    assert.same({ kind = "quantitative", name = "customer age", distribution = "normal" }, h.needs.x)
    local s = assert(plan("price vs demand"))
    assert.equal("scatter", s.type)
    assert.equal("demand", s.encoding.x.field)
    assert.equal("price", s.encoding.y.field)
    assert.equal("x", s.needs.y.correlated_with)
  end)

  it("parses category lists", function()
    assert.same({ "EMEA", "APAC", "Americas" }, needs.categories("revenue for EMEA, APAC and Americas as a bar"))
    assert.same({ "North", "South", "East" }, needs.categories("Sales in North, South, East"))
    assert.same({ "New York", "Los Angeles" }, needs.categories("rent in New York or Los Angeles"))
    assert.is_nil(needs.categories("revenue by month in 2024"))
  end)

  it("names a written-out list after the kind its values belong to", function()
    local spec = assert(plan("sales for Apple, Samsung and Xiaomi"))
    assert.equal("brand", spec.encoding.x.field)
    assert.same({ "Apple", "Samsung", "Xiaomi" }, spec.needs.x.categories)
  end)

  it("reads a window next to categories as a filter, and 'over' a window as a time axis", function()
    assert.equal("bar", plan("revenue by department in 2024").type)
    local spec = plan("revenue by department over the last 6 months")
    assert.equal("line", spec.type)
    assert.equal("department", spec.encoding.color.field)
  end)

  it("answers not_a_chart_request with suggestions, and never for a chart word alone", function()
    local spec, err = plan("xyzzy plugh frobnicate")
    assert.is_nil(spec)
    assert.equal("not_a_chart_request", err.code)
    assert.equal("prompt", err.path)
    assert.matches('^prompt: "xyzzy plugh frobnicate" names no measure', err.message)
    assert.same(needs.SUGGESTIONS, err.suggestions)
    for _, s in ipairs(err.suggestions) do assert.truthy(plan(s), s) end
    assert.truthy(plan("a bar chart of xyzzy"))
  end)
end)
