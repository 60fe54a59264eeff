-- planner.followup: follow-ups read against a chart and its data — the edit grammar (lua/planner/
-- edits/*), what is a new request, styling notes, undo and unclear requests.
local followup = require "planner.followup"
local frame = require "data.frame"

local CSV = table.concat({
  "Order Date,Region,Ship Mode,Sales,Profit,Body Mass (g),Units,Segment",
  "2023-01-05,East,First Class,100,10,4100,3,Consumer",
  "2023-06-01,West,Same Day,200,-5,3900,1,Corporate",
  "2024-02-10,East,Standard Class,50,7,4500,2,Home Office",
  "2024-07-20,Central,Second Class,300,40,3600,4,Consumer",
  "2025-03-03,South,Standard Class,120,12,5000,2,Corporate",
}, "\n") .. "\n"
local df = assert(frame.from_data(CSV))

local function bar()
  return { type = "bar", encoding = { x = { field = "Region", type = "nominal" },
    y = { field = "Sales", type = "quantitative", aggregate = "sum" } } }
end

local function line()
  return { type = "line", encoding = { x = { field = "Order Date", type = "temporal", timeUnit = "yearmonth" },
    y = { field = "Sales", type = "quantitative", aggregate = "sum" } } }
end

local function scatter()
  return { type = "scatter", encoding = { x = { field = "Sales", type = "quantitative" },
    y = { field = "Profit", type = "quantitative" } } }
end

local function edit(prompt, base)
  local r = followup.interpret(prompt, base or bar(), df)
  assert.equal("edit", r.kind, ("%s → %s %s"):format(prompt, r.kind, r.message or ""))
  return r.spec, r
end

local function filters(spec)
  local out = {}
  for _, step in ipairs(spec.transform or {}) do out[#out + 1] = step.filter or step end
  return out
end

describe("planner.followup", function()
  it("changes the chart type, also as a bare noun, and keeps options the new type has", function()
    assert.equal("line", edit("make it a line chart").type)
    assert.equal("line", edit("as a line").type)
    assert.equal("bar", edit("Bar chart.", line()).type)
    local pie = edit("pie")
    assert.equal("pie", pie.type)
    assert.equal("Region", pie.encoding.color.field)
    assert.equal("Sales", pie.encoding.theta.field)
    -- "the bars" on a bar chart are its own bars, not a request for another type
    local r = followup.interpret("colour the bars dark green", bar(), df)
    assert.equal("bar", r.spec.type)
    assert.equal("#006400", r.spec.config.mark.color)
  end)

  it("splits by a column: colour / split / stack / break down / legend, and facets", function()
    assert.equal("Segment", edit("color by segment").encoding.color.field)
    assert.equal("Segment", edit("break it down by segmnet").encoding.color.field) -- a typo
    assert.equal("Segment", edit("add segment to the legend").encoding.color.field)
    local stacked = edit("stack by segment")
    assert.equal("Segment", stacked.encoding.color.field)
    assert.is_true(stacked.options.stacked)
    local faceted = edit("separate charts for each segment")
    assert.equal("Segment", faceted.encoding.column.field)
    assert.equal("Segment", edit("small multiples by segment").encoding.column.field)
    -- on a line over time a category adds series
    assert.equal("Region", edit("by region", line()).encoding.color.field)
  end)

  it("swaps axes and puts a column on an axis", function()
    local s = edit("swap axes", scatter())
    assert.equal("Profit", s.encoding.x.field)
    assert.equal("Sales", s.encoding.y.field)
    assert.is_true(edit("flip the axes").options.horizontal) -- bars turn on their side
    s = edit("put units on the x axis", scatter())
    assert.equal("Units", s.encoding.x.field)
  end)

  it("changes the aggregate and the measure", function()
    local s = edit("use the average instead")
    assert.equal("mean", s.encoding.y.aggregate)
    assert.equal("Sales", s.encoding.y.field)
    s = edit("show median profit instead")
    assert.equal("median", s.encoding.y.aggregate)
    assert.equal("Profit", s.encoding.y.field)
    s = edit("count them")
    assert.equal("count", s.encoding.y.aggregate)
    -- "total not average": the word after the negation is not what is wanted
    local mean = bar()
    mean.encoding.y.aggregate = "mean"
    assert.equal("sum", edit("total not average", mean).encoding.y.aggregate)
  end)

  it("filters values, ranges (with units) and dates into transform steps", function()
    assert.same({ { field = "Region", oneOf = { "East" } } }, filters(edit("only East")))
    assert.same({ { ["not"] = { field = "Ship Mode", oneOf = { "Same Day" } } } }, filters(edit("exclude same day")))
    assert.same({ { field = "Sales", gt = 100 } }, filters(edit("only sales over 100")))
    -- 4kg against a column in grams
    assert.same({ { field = "Body Mass (g)", gt = 4000 } }, filters(edit("only heavier than 4kg")))
    assert.same({ { field = "Order Date", timeUnit = "year", equal = 2024 } }, filters(edit("only 2024")))
    assert.same({ { field = "Order Date", timeUnit = "year", gte = 2024 } }, filters(edit("since 2024")))
    -- filtered, then widened, then the filter dropped
    local s = edit("only East")
    s = edit("include West too", s)
    assert.same({ { field = "Region", oneOf = { "West", "East" } } }, filters(s))
    s = edit("show all regions again", s)
    assert.is_nil(s.transform)
  end)

  it("keeps the top or bottom n groups, sorted", function()
    local s = edit("top 3 only")
    assert.same({ top = 3, groupby = { "Region" }, field = "Sales", op = "sum", order = "descending" }, s.transform[1])
    assert.equal("-y", s.encoding.x.sort)
    s = edit("the 2 worst")
    assert.equal("ascending", s.transform[1].order)
    s = edit("make it 4", s)
    assert.equal(4, s.transform[1].top)
  end)

  it("sorts categories and refuses to scramble a time axis, saying why", function()
    assert.equal("-y", edit("sort descending").encoding.x.sort)
    assert.equal("y", edit("sort it low to high").encoding.x.sort)
    assert.equal("ascending", edit("sort alphabetically").encoding.x.sort)
    local r = followup.interpret("sort descending", line(), df)
    assert.equal("style", r.kind)
    assert.matches("time order", r.notes[1], 1, true)
    assert.is_nil(r.spec.encoding.x.sort)
  end)

  it("changes the time unit, percentages, log scale, orientation, stacking, trend and labels", function()
    assert.equal("yearquarter", edit("by quarter", line()).encoding.x.timeUnit)
    assert.equal("yearweek", edit("weekly", line()).encoding.x.timeUnit)
    assert.is_true(edit("show as percentages").options.normalize)
    assert.equal("log", edit("log scale").encoding.y.scale.type)
    assert.is_true(edit("horizontal").options.horizontal)
    local s = edit("color by segment")
    assert.is_true(edit("stacked", s).options.stacked)
    assert.is_nil(edit("grouped not stacked", edit("stacked", s)).options)
    assert.is_true(edit("add a trend line", scatter()).options.regression)
    assert.is_true(edit("add data labels").options.labels)
  end)

  it("applies the styling that maps to the spec and notes what does not", function()
    assert.is_false(edit("gridlines off").config.axis.grid)
    local s = edit("horizontal gridlines only")
    assert.is_true(s.config.axisY.grid)
    assert.is_false(s.config.axisX.grid)
    assert.is_false(edit("do not use symbols", line()).options.points)
    assert.equal(4, edit("thicker lines", line()).config.line.strokeWidth)
    assert.equal("bottom", edit("legend at the bottom").config.legend.orient)
    assert.equal(-45, edit("rotate the labels 45 degrees").config.axisX.labelAngle)
    assert.equal("dark", edit("dark theme").theme)
    assert.same({ 0, 500 }, edit("y axis from 0 to 500").encoding.y.scale.domain)
    assert.equal('Sales by region', edit('title it "Sales by region"').title)
    assert.equal("Revenue", edit("rename the y axis to Revenue").encoding.y.title)
    local r = followup.interpret("make it prettier", bar(), df)
    assert.equal("style", r.kind)
    assert.matches("not applied", r.notes[1], 1, true)
    assert.same(bar(), r.spec)
  end)

  it("reads a request that names a chart of its own as new, and 'undo' as undo", function()
    assert.equal("new", followup.interpret("plot profit by segment over time", bar(), df).kind)
    assert.equal("new", followup.interpret("scratch that, show units", bar(), df).kind)
    assert.is_true(followup.interpret("start over: units by mode", bar(), df).fresh)
    assert.equal("undo", followup.interpret("undo", bar(), df).kind)
    assert.equal("undo", followup.interpret("go back", bar(), df).kind)
    -- a vague chart: the first column named is a new chart
    assert.equal("new", followup.interpret("show the profit", bar(), df, { vague = true, stated = {} }).kind)
  end)

  it("answers what it cannot read as unclear, with suggestions from the data", function()
    local r = followup.interpret("frobnicate the quux", bar(), df)
    assert.equal("unclear", r.kind)
    assert.matches("frobnicate", r.message, 1, true)
    assert.is_true(#r.suggestions >= 4)
    r = followup.interpret("as a heatmap", bar(), df)
    assert.equal("unclear", r.kind)
    assert.matches("heatmap needs", r.message, 1, true)
  end)

  it("does not touch the spec it was given", function()
    local base = bar()
    followup.interpret("make it a line chart, only East, top 2, gridlines off", base, df)
    assert.same(bar(), base)
  end)

  it("carries presentation, filters and a vague chart's grouping into a new request", function()
    local base = edit("only East")
    base.theme, base.width = "dark", 500
    local new = { type = "line", encoding = { x = { field = "Order Date", type = "temporal" },
      y = { field = "Profit", type = "quantitative", aggregate = "sum" } } }
    followup.carry(new, base, df, { vague = true, stated = { "Region" } })
    assert.equal("dark", new.theme)
    assert.equal(500, new.width)
    assert.same({ field = "Region", oneOf = { "East" } }, new.transform[1].filter)
    assert.equal("Region", new.encoding.color.field)
    -- "start over": nothing carried but the looks
    local fresh = { type = "bar", encoding = { x = { field = "Segment" } } }
    followup.carry(fresh, base, df, { fresh = true, vague = true, stated = { "Region" } })
    assert.is_nil(fresh.transform)
    assert.is_nil(fresh.encoding.color)
  end)
end)
