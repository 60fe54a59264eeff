-- The no-data path: chart type and the fields a request needs, from its words alone.
local offline = require "planner.offline"
local needs = require "planner.needs"

describe("planner without data", function()
  it("plans a stacked quarterly bar with named regions, period and theme", function()
    local prompt = "quarterly revenue 2023–2024 for EMEA, APAC and Americas as a stacked bar, dark theme"
    local spec = assert(offline.plan(prompt))
    assert.equal("bar", spec.type)
    assert.equal("dark", spec.theme)
    assert.same({ stacked = true }, spec.options)
    assert.same({ field = "quarter", type = "temporal", timeUnit = "yearquarter" }, spec.encoding.x)
    assert.same({ field = "revenue", type = "quantitative", aggregate = "sum" }, spec.encoding.y)
    assert.same({ field = "region", type = "nominal" }, spec.encoding.color)
    assert.same({
      x = { kind = "temporal", name = "quarter", unit = "quarter", from = "2023-01-01", to = "2024-12-31" },
      y = { kind = "quantitative", name = "revenue" },
      color = { kind = "nominal", name = "region", categories = { "EMEA", "APAC", "Americas" } },
    }, spec.needs)
  end)

  it("reads a one-year period with a monthly unit as a line", function()
    local spec = assert(offline.plan("monthly active users in 2024"))
    assert.equal("line", spec.type)
    assert.same({ kind = "temporal", name = "month", unit = "month", from = "2024-01-01", to = "2024-12-31" },
      spec.needs.x)
    assert.same({ kind = "quantitative", name = "active users" }, spec.needs.y)
    assert.is_nil(spec.needs.color)
  end)

  it("reads 'from 2020 to 2022', a mean, and city names", function()
    local spec = assert(offline.plan("average temperature by month for Paris, London and Berlin from 2020 to 2022"))
    assert.equal("line", spec.type)
    assert.equal("mean", spec.encoding.y.aggregate)
    assert.equal("2020-01-01", spec.needs.x.from)
    assert.equal("2022-12-31", spec.needs.x.to)
    assert.same({ "Paris", "London", "Berlin" }, spec.needs.color.categories)
  end)

  it("lets the request's theme field win over the words", function()
    assert.equal("light", offline.plan("revenue by month, dark theme", nil, { theme = "light" }).theme)
  end)

  it("reads a relative period", function()
    local spec = assert(offline.plan("weekly signups over the last 12 weeks"))
    assert.same({ kind = "temporal", name = "week", unit = "week", last = 12 }, spec.needs.x)
  end)

  it("plans a share as a pie whose parts come from the request", function()
    local spec = assert(offline.plan("share of sales by channel: Online, Retail and Wholesale"))
    assert.equal("pie", spec.type)
    assert.same({ field = "sales", type = "quantitative", aggregate = "sum" }, spec.encoding.theta)
    assert.same({ kind = "nominal", name = "channel", categories = { "Online", "Retail", "Wholesale" },
      parts_of_whole = true }, spec.needs.color)
  end)

  it("plans a distribution as a histogram and a 'vs' as a correlated scatter", function()
    local h = assert(offline.plan("distribution of customer age"))
    assert.equal("histogram", h.type)
    assert.same({ kind = "quantitative", name = "customer age", distribution = "normal" }, h.needs.x)
    local s = assert(offline.plan("price vs demand"))
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

  it("parses periods", function()
    local tok = offline.tokenize
    assert.same({ from = "2023-01-01", to = "2024-12-31" }, needs.period("2023-2024", tok("2023-2024")))
    assert.same({ from = "2022-03-01", to = "2022-12-31" }, needs.period("from March 2022", tok("from March 2022")))
    assert.same({ last = 6, unit = "month" }, needs.period("past 6 months", tok("past 6 months")))
    assert.is_nil(needs.period("revenue by region", tok("revenue by region")))
  end)
end)
