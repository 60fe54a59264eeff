-- The offline planner's rules on a small inline frame: words to columns, cues, and the spec it builds.
local frame = require "data.frame"
local offline = require "planner.offline"

-- Column names unlike any eval dataset, so these tests exercise the rules, not a fit.
local CSV = table.concat({
  "Team Name,Home City,Goals Scored,Ticket Price,Season Year,Match Date,League",
  "Ajax,Amsterdam,3,40.5,2019,2019-08-03,Eredivisie",
  "PSV,Eindhoven,1,35,2019,2019-08-10,Eredivisie",
  "Celtic,Glasgow,2,30,2020,2020-01-04,Premiership",
  "Rangers,Glasgow,4,32.5,2020,2020-02-15,Premiership",
  "Porto,Porto,0,28,2021,2021-03-20,Primeira",
  "Benfica,Lisbon,2,31,2021,2021-05-01,Primeira",
}, "\n")

local df = assert(frame.from_data(CSV, "data"))

local function plan(prompt)
  return assert(offline.plan(prompt, df))
end

describe("planner.offline", function()
  it("tokenizes v/s, # and sentence ends", function()
    local words = {}
    for _, t in ipairs(offline.tokenize("Goals v/s price. # of teams")) do words[#words + 1] = t.w or t.p end
    assert.same({ "goals", "vs", "price", ".", "number", "of", "teams" }, words)
  end)

  it("matches typos, partial names and clipped words to columns", function()
    local prof = offline.profile(df)
    local function names(prompt)
      local out = {}
      for _, m in ipairs(offline.mentions(offline.tokenize(prompt), prof)) do out[#out + 1] = m.col.name end
      return out
    end
    assert.same({ "Goals Scored", "Ticket Price" }, names("goals vs ticket prices"))
    assert.same({ "Goals Scored" }, names("goasl socred"))
    assert.same({ "Home City" }, names("by city"))
    assert.same({ "League" }, names("per leauge"))
    assert.same({}, names("show me something nice"))
  end)

  it("averages a measure by a category into a bar chart", function()
    local spec = plan("average ticket price per league")
    assert.equal("bar", spec.type)
    assert.same({ field = "League", type = "nominal" }, spec.encoding.x)
    assert.same({ field = "Ticket Price", type = "quantitative", aggregate = "mean" }, spec.encoding.y)
    assert.equal("Average Ticket Price by League", spec.title)
  end)

  it("counts rows when the counted noun is not a column", function()
    local spec = plan("how many teams are in each city")
    assert.equal("bar", spec.type)
    assert.equal("Home City", spec.encoding.x.field)
    assert.same({ aggregate = "count", type = "quantitative", title = "Count" }, spec.encoding.y)
  end)

  it("draws two measures as a scatter, y first for 'A vs B', colour from a category", function()
    local spec = plan("goals vs ticket price colored by league")
    assert.equal("scatter", spec.type)
    assert.equal("Ticket Price", spec.encoding.x.field)
    assert.equal("Goals Scored", spec.encoding.y.field)
    assert.equal("League", spec.encoding.color.field)
    assert.is_nil(spec.encoding.y.aggregate)
  end)

  it("puts a measure over a year column on a line with a year time unit", function()
    local spec = plan("total goals over the seasons")
    assert.equal("line", spec.type)
    assert.same({ field = "Season Year", type = "temporal", timeUnit = "year" }, spec.encoding.x)
    assert.equal("sum", spec.encoding.y.aggregate)
  end)

  it("uses the data's date column for 'over time' and the unit the request names", function()
    local spec = plan("monthly ticket price trend")
    assert.equal("line", spec.type)
    assert.same({ field = "Match Date", type = "temporal", timeUnit = "yearmonth" }, spec.encoding.x)
    assert.equal("mean", spec.encoding.y.aggregate)
  end)

  it("bins one measure into a histogram, with a bin width when one is given", function()
    local spec = plan("distribution of ticket price in buckets of 5")
    assert.equal("histogram", spec.type)
    assert.same({ field = "Ticket Price", type = "quantitative", bin = { step = 5 } }, spec.encoding.x)
    assert.same({ aggregate = "count", type = "quantitative", title = "Count" }, spec.encoding.y)
    assert.same({ maxbins = 8 }, plan("histogram of goals with 8 bins").encoding.x.bin)
  end)

  it("draws the spread of a measure by a category as a box plot", function()
    local spec = plan("spread of ticket price across leagues")
    assert.equal("box", spec.type)
    assert.equal("League", spec.encoding.x.field)
    assert.equal("Ticket Price", spec.encoding.y.field)
    assert.is_nil(spec.encoding.y.aggregate)
  end)

  it("draws a share of few categories as a pie", function()
    local spec = plan("share of goals by league")
    assert.equal("pie", spec.type)
    assert.same({ field = "League", type = "nominal" }, spec.encoding.color)
    assert.same({ field = "Goals Scored", type = "quantitative", aggregate = "sum" }, spec.encoding.theta)
  end)

  it("honours explicit axes, stacking, sorting, horizontal bars, theme and title", function()
    local spec = plan('stacked horizontal bar, x axis city, count, color by league, sorted descending, ' ..
      'dark theme, titled "Where teams play"')
    assert.equal("bar", spec.type)
    assert.same({ field = "Home City", type = "nominal", sort = "-y" }, spec.encoding.x)
    assert.equal("League", spec.encoding.color.field)
    assert.same({ stacked = true, horizontal = true }, spec.options)
    assert.equal("dark", spec.theme)
    assert.equal("Where teams play", spec.title)
  end)

  it("keeps 'highest' a ranking, not a max", function()
    local spec = plan("which league has the highest ticket price")
    assert.equal("mean", spec.encoding.y.aggregate)
    assert.equal("-y", spec.encoding.x.sort)
  end)

  it("draws the data's most telling columns, saying so, when nothing in the request names them", function()
    local spec, info = offline.plan("make it pretty", df)
    assert.equal("Match Date", spec.encoding.x.field)
    assert.is_true(info.vague)
    assert.matches("the request names no column, so chartd chose Match Date", info.notes[1], 1, true)
    spec = offline.plan("a scatter plot", df)
    assert.equal("scatter", spec.type)
    assert.equal("quantitative", spec.encoding.x.type)
    assert.same({ nil, "empty request" }, { offline.plan("   ", df) })
  end)
end)
