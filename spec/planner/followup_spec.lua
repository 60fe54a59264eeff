-- lua/planner/followup.lua: edits of the last chart, and prompts that are not edits.
local followup = require "planner.followup"
local pipeline = require "pipeline"

local function base()
  return {
    type = "bar", title = "Revenue", theme = "light", format = "png", width = 800, height = 600,
    data = { values = {
      { quarter = "2023-Q1", region = "EMEA", revenue = 10, units = 1 },
      { quarter = "2023-Q2", region = "APAC", revenue = 20, units = 3 },
      { quarter = "2024-Q1", region = "EMEA", revenue = 30, units = 2 },
      { quarter = "2024-Q2", region = "Americas", revenue = 40, units = 5 },
    } },
    encoding = {
      x = { field = "quarter", type = "temporal", timeUnit = "quarter", title = "quarter (quarter)" },
      y = { field = "revenue", type = "quantitative", aggregate = "sum", title = "Sum of revenue" },
      color = { field = "region", type = "nominal", title = "region" },
    },
    options = { stacked = true },
  }
end

local function edit(prompt, b)
  local spec, how = followup.edit(prompt, b or base())
  assert.is_table(spec, prompt .. ": " .. tostring(how))
  -- every edited spec must still render
  local r, err = pipeline.render(spec)
  assert.is_table(r, err and err.message)
  return spec, how
end

describe("planner.followup", function()
  it("changes the chart type and drops options the new type lacks", function()
    local s, how = edit("make it a line chart")
    assert.are.same({ "type" }, how)
    assert.are.equal("line", s.type)
    assert.is_nil(s.options)
    assert.are.equal("quarter", s.encoding.x.field)
    assert.are.equal("region", s.encoding.color.field)
  end)

  it("turns a time series into a pie of its series", function()
    local s = edit("as a pie")
    assert.are.equal("pie", s.type)
    assert.are.same({ field = "region", type = "nominal" }, s.encoding.color)
    assert.are.same({ field = "revenue", type = "quantitative", aggregate = "sum" }, s.encoding.theta)
  end)

  it("keeps only the years named", function()
    local s = edit("only 2024")
    assert.are.equal(2, #s.data.values)
    assert.are.equal("2024-Q1", s.data.values[1].quarter)
    assert.are.equal("2024-Q2", s.data.values[2].quarter)
  end)

  it("keeps or drops named categories", function()
    assert.are.equal(3, #edit("only EMEA and Americas").data.values)
    local s = edit("without APAC")
    assert.are.equal(3, #s.data.values)
    for _, r in ipairs(s.data.values) do assert.are_not.equal("APAC", r.region) end
  end)

  it("sets the theme", function()
    assert.are.equal("dark", edit("use the dark theme").theme)
    assert.are.equal("dark", edit("dark mode please").theme)
  end)

  it("sorts", function()
    assert.are.equal("-y", edit("sort descending").encoding.x.sort)
    assert.are.equal("y", edit("sort ascending").encoding.x.sort)
    assert.are.equal("-y", edit("largest first").encoding.x.sort)
  end)

  it("adds a title, quoted or not, without reading its words as edits", function()
    assert.are.equal("Quarterly revenue", edit('add a title "Quarterly revenue"').title)
    local s, how = edit("make it a line chart titled Bar totals")
    assert.are.equal("Bar totals", s.title)
    assert.are.equal("line", s.type)
    assert.are.same({ "title", "type" }, how)
    assert.are.equal("FY view", edit("subtitle: FY view").subtitle)
  end)

  it("goes horizontal and un-stacks", function()
    local s = edit("horizontal")
    assert.is_true(s.options.horizontal)
    assert.is_nil(edit("side by side").options)
    local line = edit("make it a line chart")
    local stacked = edit("stack them", line)
    assert.are.equal("bar", stacked.type)
    assert.is_true(stacked.options.stacked)
  end)

  it("changes the aggregate and forgets the old axis title", function()
    local s = edit("show average instead")
    assert.are.equal("mean", s.encoding.y.aggregate)
    assert.is_nil(s.encoding.y.title)
    assert.are.same({ aggregate = "count", type = "quantitative", title = "Count" }, edit("count instead").encoding.y)
  end)

  it("finds a second numeric column for a scatter plot", function()
    local s = edit("as a scatter plot")
    assert.are.equal("units", s.encoding.x.field)
    assert.are.equal("revenue", s.encoding.y.field)
  end)

  it("reads a prompt with new content words as a new request", function()
    assert.is_nil((followup.edit("quarterly revenue for EMEA as a line chart", base())))
    assert.is_nil((followup.edit("histogram of prices", base())))
    assert.is_nil((followup.edit("show me sales by country", base())))
  end)

  it("refuses an edit that cannot apply, saying why", function()
    local one = base()
    one.encoding.color = nil
    local spec, err = followup.edit("stack them", one)
    assert.is_nil(spec)
    assert.are.equal("there is only one series to stack; split the chart by a column first", err)
  end)

  it("does not touch the spec it was given", function()
    local b = base()
    edit("make it a line chart and only 2024", b)
    assert.are.equal("bar", b.type)
    assert.are.equal(4, #b.data.values)
  end)
end)
