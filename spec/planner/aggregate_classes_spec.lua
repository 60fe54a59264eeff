-- Which aggregate a chart takes, by class: a total said of no column, flows that add up, stacked
-- parts, one row per period or per cell, a rate said as "a <unit>" and an average taken "yearly".
-- Tables and words are generated (seeded), so a rule fitted to one dataset or sentence fails here.
local followup = require "planner.followup"
local offline = require "planner.offline"
local validate = require "chartspec.validate"
local edit = require "follow_read"

local gen = require("seeded").new(20261207)
local rand, pick, word = gen.rand, gen.pick, gen.word
local csv = require("seeded").csv

local first = require "first_read"

-- A long table: one row per (year, group) with a measure, as energy or employment tables come.
local function panel(measure, group, n_groups, first_year, n_years, dated)
  local rows, groups = {}, gen.words(n_groups, 2)
  for y = first_year, first_year + n_years - 1 do
    for _, g in ipairs(groups) do
      rows[#rows + 1] = { dated and ("%d-01-01"):format(y) or y, g, rand(5000) }
    end
  end
  return csv({ "year", group, measure }, rows), groups
end

describe("aggregates by class", function()
  it("a total said of no column in particular ('in total', 'altogether') sums the measure it stands for", function()
    for _ = 1, 12 do
      local group = word(2)
      local df = panel(word(3), group, 3 + rand(3), 2000, 5 + rand(5), rand(2) == 1)
      local verb = pick { "produce", "make", "bring in", "earn", "use" }
      local spec = first(("how much does each %s %s %s"):format(group, verb, pick { "in total", "altogether",
        "combined", "in sum" }), df)
      assert.equal(group, spec.encoding.x.field)
      assert.equal("sum", spec.encoding.y.aggregate, verb)
      -- an average said stays an average
      spec = first(("what does each %s %s on average"):format(group, verb), df)
      assert.equal("mean", spec.encoding.y.aggregate)
    end
  end)

  it("flows over a period (generation, production, emissions, jobs, arrivals) add up by default", function()
    for _, flow in ipairs { "generation", "production", "emissions", "jobs", "arrivals", "exports", "consumption" } do
      local group = word(2)
      local measure = pick { "net_", "total_", "gross_", "" } .. flow
      local df = panel(measure, group, 4, 2001, 6, false)
      local spec = first(("%s by %s"):format(flow, group), df)
      assert.equal(measure, spec.encoding.y.field, flow)
      assert.equal("sum", spec.encoding.y.aggregate, flow)
    end
    -- a level, not a flow, averages
    local df = panel("price", "market", 4, 2001, 6, false)
    assert.equal("mean", first("price by market", df).encoding.y.aggregate)
  end)

  it("stacked parts add up: a stack of averages becomes a stack of totals, and says so", function()
    for _ = 1, 10 do
      local a, b, m = word(2), word(2), word(3)
      local rows = {}
      for i = 1, 60 do rows[i] = { pick { "p", "q", "r", "s" } .. a, pick { "u", "v", "w" } .. b, rand(90) } end
      local df = csv({ a, b, m }, rows)
      local base = first(("average %s by %s and %s"):format(m, a, b), df)
      assert.equal("mean", base.encoding.y.aggregate)
      local spec, r = edit(pick { "stacked bars", "stack them", "make it stacked" }, base, df)
      assert.is_true(spec.options.stacked)
      assert.equal("sum", spec.encoding.y.aggregate)
      assert.truthy(table.concat(r.notes, " "):find("total", 1, true))
    end
  end)

  it("series over time stacked become a stacked area; counts per period stack as bars", function()
    for _ = 1, 8 do
      local group, measure = word(2), word(3)
      local df = panel(measure, group, 3, 1990, 12, true)
      local line = { type = "line", encoding = { x = { field = "year", type = "temporal", timeUnit = "year" },
        y = { field = measure, type = "quantitative", aggregate = "sum" }, color = { field = group, type = "nominal" } } }
      local spec = edit(pick { "stacked", "stack them", "stacked please" }, line, df)
      assert.equal("area", spec.type)
      assert.is_true(spec.options.stacked)
      line.encoding.y = { aggregate = "count", type = "quantitative" }
      spec = edit("stacked", line, df)
      assert.equal("bar", spec.type)
    end
  end)

  it("one row per time point at the chart's grain draws the values themselves; a coarser grain or an aggregate said keeps it",
    function()
    for _ = 1, 10 do
      local measure = word(3)
      local rows = {}
      local monthly = rand(2) == 1
      for i = 0, 59 do
        local date = monthly and ("%d-%02d-01"):format(2001 + i // 12, i % 12 + 1) or ("%d-01-01"):format(1950 + i)
        rows[#rows + 1] = { date, rand(900) }
      end
      local df = csv({ pick { "month", "date", "period" }, measure }, rows)
      local spec = first(("%s %s"):format(measure, pick { "trend", "over time", "by date" }), df)
      assert.is_nil(spec.encoding.y.aggregate, measure)
      assert.is_nil(spec.title:find("Average", 1, true))
      spec = first(("average %s over time"):format(measure), df)
      assert.equal("mean", spec.encoding.y.aggregate)
    end
    -- daily rows over years, more than a chart shows apart, are averaged by month
    local rows = {}
    for d = 0, 1499 do
      local t = os.time { year = 2010, month = 1, day = 1 + d, hour = 12 }
      rows[#rows + 1] = { os.date("!%Y-%m-%d", t), rand(400) / 10 }
    end
    local spec = first("temp over time", csv({ "date", "temp" }, rows))
    assert.equal("mean", spec.encoding.y.aggregate)
  end)

  it("a heatmap whose cells hold one row each is coloured by the measure, time across", function()
    for _ = 1, 10 do
      local group, measure = word(2), word(3)
      local df = panel(measure, group, 4, 2000, 8, rand(2) == 1)
      local spec = first(pick { "heatmap of %s by year", "heatmap of year by %s", "%s by year as a heatmap" }
        :format(group), df)
      assert.equal("year", spec.encoding.x.field)
      assert.equal(group, spec.encoding.y.field)
      assert.equal(measure, spec.encoding.color.field)
    end
  end)

  it("'a year' after a measure is its rate, not an axis; an average taken 'yearly' runs over time", function()
    for _ = 1, 10 do
      local group, measure = word(2), word(3)
      local df = panel(measure, group, 4, 1990, 15, false)
      local spec = first(("avg %s a year for each %s"):format(measure, group), df)
      assert.equal(group, spec.encoding.x.field)
      assert.equal("mean", spec.encoding.y.aggregate)
      local dated = panel(measure, group, 4, 1990, 15, true)
      spec = first(("%s average %s by %s"):format(pick { "yearly", "annual" }, measure, group), dated)
      assert.equal("year", spec.encoding.x.field)
      assert.equal(group, spec.encoding.color.field)
      spec = first(("average %s %s by %s"):format(pick { "yearly", "annual" }, measure, group), dated)
      assert.equal(group, spec.encoding.x.field)
    end
  end)

  it("a new chart in a conversation that counts rows only for want of a measure keeps the measure before", function()
    for _ = 1, 8 do
      local group, measure = word(2), word(3)
      local df = panel(measure, group, 4, 2000, 6, false)
      local base = first(("total %s by year and %s"):format(measure, group), df)
      local spec = offline.plan(("as a heatmap, %s by year"):format(group), df, {})
      local _, info = offline.plan(("as a heatmap, %s by year"):format(group), df, {})
      followup.carry(spec, base, df, { measure_guessed = info.measure_guessed })
      assert.equal(measure, spec.encoding.color.field)
      assert.equal("sum", spec.encoding.color.aggregate)
      -- a count asked for stays a count
      local counted, cinfo = offline.plan(("how many rows per %s"):format(group), df, {})
      followup.carry(counted, base, df, { measure_guessed = cinfo.measure_guessed })
      assert.equal("count", counted.encoding.y.aggregate)
    end
  end)
end)

describe("aggregates taken across, by class", function()
  it("'total across X' and 'avg over the years' pool X into the measure's aggregate, not a new axis or colour", function()
    for _ = 1, 8 do
      local group, measure = word(2), word(3)
      local df = panel(measure, group, 5, 1970, 12, false)
      local agg = pick { { "sum", "total" }, { "mean", "average" }, { "median", "median" } }
      local said = agg[2]
      local spec = first(("%s over time, %s across %ss"):format(measure, said, group), df)
      assert.equal("year", spec.encoding.x.field)
      assert.is_nil(spec.encoding.color, said)
      assert.equal(agg[1], spec.encoding.y.aggregate)
      local bars = first(("%s by %s"):format(measure, group), df)
      local pooled = edit(pick { "avg over the years", "average over all years", "mean across the years" }, bars, df)
      assert.equal(measure, pooled.encoding.y.field)
      assert.equal(group, pooled.encoding.x.field)
    end
  end)

  it("a new aggregate on a folded chart keeps the folded value's channel", function()
    for _ = 1, 5 do
      local a, b = word(3), word(3)
      local rows = {}
      for y = 2000, 2011 do rows[#rows + 1] = { y, rand(500), rand(500) } end
      local df = csv({ "year", a, b }, rows)
      local base = first(("%s and %s by year"):format(a, b), df)
      assert.is_table(base.transform[1].fold)
      local spec = edit(pick { "total instead of average", "use the sum", "median instead" }, base, df)
      assert.equal("quantitative", spec.encoding.y.type)
      spec.data = df
      assert.is_truthy(validate.spec(spec))
    end
  end)
end)

describe("durations, rates per period and series drawn as they are, by class", function()
  it("a column counting years (YearsAtCompany) is a measure; only one called year holds two-digit years", function()
    for _ = 1, 8 do
      local g = word(2)
      local name = pick { "YearsAtCompany", "TotalWorkingYears", "years_of_service", "YearsInRole" }
      local rows = {}
      for i = 1, 60 do rows[i] = { pick { "a", "b", "c" } .. g, rand(40) - 1 } end
      local df = csv({ g, name }, rows)
      local spec = first(("avg %s by %s"):format(name, g), df)
      assert.equal("bar", spec.type, name)
      assert.equal(g, spec.encoding.x.field)
      assert.equal(name, spec.encoding.y.field)
    end
    local rows = {}
    for i = 1, 40 do rows[i] = { 70 + i % 12, rand(40) } end
    assert.equal("year", first("average mpg by year", csv({ "year", "mpg" }, rows)).encoding.x.field)
  end)

  it("an amount per period on each row (MonthlyIncome, annual_salary) averages; a total said sums it", function()
    for _ = 1, 8 do
      local g = word(2)
      local name = pick { "MonthlyIncome", "annual_salary", "DailyRevenue", "hourly_earnings" }
      local rows = {}
      for i = 1, 60 do rows[i] = { pick { "a", "b", "c" } .. g, rand(9000) } end
      local df = csv({ g, name }, rows)
      assert.equal("mean", first(("%s by %s"):format(name, g), df).encoding.y.aggregate, name)
      assert.equal("sum", first(("total %s by %s"):format(name, g), df).encoding.y.aggregate, name)
    end
  end)

  it("a series of one row per date with no more points than a chart shows is drawn as it is", function()
    for _ = 1, 6 do
      local n = 100 + rand(800)
      local rows = {}
      for i = 0, n - 1 do rows[#rows + 1] = { ("%d-%02d-01"):format(1960 + i // 12, i % 12 + 1), rand(900) } end
      local m = word(3)
      local spec = first(("%s over time"):format(m), csv({ "date", m }, rows))
      assert.is_nil(spec.encoding.x.timeUnit ~= "yearmonth" and spec.encoding.x.timeUnit or nil, n)
      assert.is_nil(spec.encoding.y.aggregate, n)
    end
  end)
end)
