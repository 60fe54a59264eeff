-- First requests on tables of a known shape, generated: tables of one row per entity, of several
-- series over time and of one series over time, with column names drawn from word pools, and
-- requests in several phrasings per reading. The expected chart follows from how each table was
-- built (not from the planner's own reading of it), so a rule fitted to one name cannot pass.
local frame = require "data.frame"
local offline = require "planner.offline"
local rng = require "charts.shared.sample_rng"

local SEED = tonumber(os.getenv("CHARTD_GEN_SEED")) or 20261205
local TABLES = 12

local ENTITIES = { "district", "club", "ticker", "store", "team", "school", "warehouse", "airline", "brand", "farm" }
local MEASURES = { "revenue", "visits", "rainfall", "output", "attendance", "emissions", "turnover", "yield",
  "headcount", "mileage", "deliveries", "complaints" }
local GROUPS = { "zone", "tier", "segment", "league", "channel" }

local function pick(r, list, used)
  for _ = 1, 100 do
    local w = list[math.floor(r() * #list) + 1]
    if not used[w] then
      used[w] = true
      return w
    end
  end
  error("word pool exhausted")
end

local function cap(w) return (w:gsub("^%l", string.upper)) end

-- One table: { df, kind, entity, measures = {m1, m2}, time, group }.
local function make(r, kind)
  local used = {}
  local e, g = pick(r, ENTITIES, used), pick(r, GROUPS, used)
  local m1, m2 = pick(r, MEASURES, used), pick(r, MEASURES, used)
  local lines = {}
  if kind == "entities" then
    lines[1] = table.concat({ e, m1, m2, g }, ",")
    for i = 1, 10 + math.floor(r() * 30) do
      lines[#lines + 1] = ("%s %d,%.1f,%.1f,%s"):format(cap(e), i, 100 + r() * 900, r() * 50, cap(g) .. " " .. (i % 4 + 1))
    end
  else
    local series = kind == "panel" and 2 + math.floor(r() * 4) or 1
    lines[1] = table.concat(kind == "panel" and { e, "date", m1, m2 } or { "date", m1, m2 }, ",")
    for s = 1, series do
      for month = 1, 24 do
        local date = ("%d-%02d-01"):format(2020 + (month - 1) // 12, (month - 1) % 12 + 1)
        local row = ("%s,%.1f,%.1f"):format(date, 100 * s + r() * 50, r() * 20)
        lines[#lines + 1] = kind == "panel" and (cap(e) .. " " .. s .. "," .. row) or row
      end
    end
  end
  local df = assert(frame.from_data(table.concat(lines, "\n"), "data"))
  return { df = df, kind = kind, entity = e, m1 = m1, m2 = m2, group = g }
end

local function reading(spec)
  local enc = spec.encoding
  local function f(ch) return enc[ch] and enc[ch].field or nil end
  if spec.type == "pie" then return { chart = "pie", x = f("color"), y = f("theta") } end
  return { chart = spec.type, x = f("x"), y = f("y"), color = f("color") }
end

-- Requests and what they mean on each kind of table ({a} = first measure, {b} second, {e} entity).
local CASES = {
  entities = {
    { { "{a}", "{a} by {e}", "{a} per {e}", "which {e} has the highest {a}", "top 5 {e}s by {a}",
        "biggest {e}s by {a}", "show {a} for each {e}" }, { chart = "bar", x = "{e}", y = "{a}" } },
    { { "{a} by {e} as a pie", "pie chart of {a} per {e}" }, { chart = "pie", x = "{e}", y = "{a}" } },
  },
  panel = {
    { { "{a}", "{a} over time", "{a} trend", "how has {a} changed", "show me the {a}" },
      { chart = "line", x = "date", y = "{a}", color = "{e}" } },
    { { "which {e} has the highest average {a}", "average {a} per {e}" }, { chart = "bar", x = "{e}", y = "{a}" } },
    { { "scatter of {a} against {b}", "{a} vs {b} as a scatter plot" }, { chart = "scatter", x = "{b}", y = "{a}" } },
  },
  single = {
    { { "{a}", "{a} over time", "{a} trend" }, { chart = "line", x = "date", y = "{a}" } },
  },
}

local function fill(s, t)
  return (s:gsub("{(%a)}", function(k)
    return k == "a" and t.m1 or k == "b" and t.m2 or k == "e" and t.entity or nil
  end))
end

describe("first requests on generated tables", function()
  local r = rng.lcg(SEED)
  for n = 1, TABLES do
    local kind = ({ "entities", "panel", "single" })[(n - 1) % 3 + 1]
    local t = make(r, kind)
    for _, case in ipairs(CASES[kind]) do
      for _, phrase in ipairs(case[1]) do
        local prompt = fill(phrase, t)
        it(("%s table (%s, %s, %s): %q"):format(kind, t.entity, t.m1, t.m2, prompt), function()
          local want = {}
          for k, v in pairs(case[2]) do want[k] = fill(v, t) end
          local got = reading(assert(offline.plan(prompt, t.df)))
          if want.color == nil then got.color = nil end
          assert.same(want, got)
        end)
      end
    end
  end
end)

describe("the offline planner on two measures named together", function()
  local df = assert(frame.from_data(table.concat({
    "station,date,max_speed,min_speed,gusts",
    "North,2024-01-01,40,12,55", "North,2024-01-02,35,10,50", "South,2024-01-01,30,8,41",
    "South,2024-01-02,33,9,47", "North,2024-01-03,38,14,52", "South,2024-01-03,29,7,40",
  }, "\n"), "data"))
  for _, prompt in ipairs { "scatter of max vs min speed", "scatter of min and max speed",
    "plot high against low speeds as a scatter" } do
    it(("%q sets the two columns the shared word names against each other"):format(prompt), function()
      local spec = assert(offline.plan(prompt, df))
      assert.equal("scatter", spec.type)
      local pair = { spec.encoding.x.field, spec.encoding.y.field }
      table.sort(pair)
      assert.same({ "max_speed", "min_speed" }, pair)
    end)
  end
  it("pairs a scatter's one named measure with the measure it tracks most closely", function()
    local spec, info = offline.plan("scatter of gusts against wind chill", df)
    assert.equal("scatter", spec.type)
    assert.equal("gusts", spec.encoding.y.field)
    assert.equal("max_speed", spec.encoding.x.field)
    assert.matches("tracks most closely", table.concat(info.notes, " "), 1, true)
  end)
end)

describe("the offline planner's main measure", function()
  local df = assert(frame.from_data(table.concat({
    "Incident Date,Phase,Cost Other,Cost Total,Speed",
    "2020-01-01,Climb,0,100,120", "2020-01-02,Landing,0,250,90", "2020-01-05,Climb,5,0,140",
    "2020-01-07,Taxi,0,80,10", "2020-01-09,Landing,0,300,100", "2020-01-11,Taxi,0,60,15",
  }, "\n"), "data"))
  it("is the filled-in one named like a total for a vague request", function()
    local spec = assert(offline.plan("show me something interesting", df))
    assert.equal("Cost Total", spec.encoding.y.field)
  end)
  it("fills box plots that name only their groups (once an `internal`)", function()
    for _, prompt in ipairs { "per phase as box plots", "box plot by phase", "boxplots for each phase" } do
      local spec = assert(offline.plan(prompt, df))
      assert.equal("box", spec.type)
      assert.equal("Phase", spec.encoding.x.field)
      assert.equal("Cost Total", spec.encoding.y.field)
    end
  end)
end)

describe("the offline planner on a table of events", function()
  -- each row one event (a crash) on a day, with its place and a few numbers
  local lines = { "crash_date,borough,injured,latitude,longitude" }
  local boroughs = { "Bronx", "Queens", "Brooklyn" }
  for i = 1, 60 do
    lines[#lines + 1] = ("2023-%02d-%02d,%s,%d,%.3f,%.3f"):format((i - 1) % 12 + 1, (i * i) % 28 + 1,
      boroughs[i % 3 + 1], i % 4, 40.6 + (i % 10) / 50, -74 + (i % 7) / 40)
  end
  local df = assert(frame.from_data(table.concat(lines, "\n"), "data"))
  local function got(prompt) return reading(assert(offline.plan(prompt, df))) end

  it("counts events per category when the date column is named only by its event word", function()
    for _, prompt in ipairs { "crashes per borough", "which borough had the most crashes", "number of crashes by borough" } do
      assert.same({ chart = "bar", x = "borough" }, { chart = got(prompt).chart, x = got(prompt).x })
    end
  end)
  it("counts the rows a time unit names ('how many days of each …')", function()
    local r = got("how many days of each borough do we have")
    assert.same({ "bar", "borough", nil }, { r.chart, r.x, r.y })
  end)
  it("counts events per period when only the period is named", function()
    local r = got("accidents per month")
    assert.same({ "line", "crash_date", nil }, { r.chart, r.x, r.y })
  end)
  it("keeps a distribution a histogram when a time word describes its values", function()
    for _, prompt in ipairs { "distribution of daily injured", "spread of monthly injured" } do
      assert.same({ "histogram", "injured" }, { got(prompt).chart, got(prompt).x })
    end
  end)
  it("draws latitude and longitude as a map does, from their short names too", function()
    for _, prompt in ipairs { "where did they happen? plot lat lon", "scatter of latitude and longitude" } do
      local r = got(prompt)
      assert.same({ "scatter", "longitude", "latitude" }, { r.chart, r.x, r.y })
    end
  end)
end)

describe("the offline planner with several columns of places", function()
  local lines = { "code,name,city,state,country,elevation" }
  local cities = { { "Reno", "NV" }, { "Boise", "ID" }, { "Fresno", "CA" }, { "Eugene", "OR" }, { "Ogden", "UT" } }
  for i = 1, 40 do
    local c = cities[i % 5 + 1]
    lines[#lines + 1] = ("S%03d,Site %d,%s,%s,%s,%d"):format(i, i, c[1], c[2], i % 7 == 0 and "CAN" or "USA", 100 + i * 13)
  end
  local df = assert(frame.from_data(table.concat(lines, "\n"), "data"))
  for _, case in ipairs {
    { "which states have the most stations", "state" }, { "count of sites by country", "country" },
    { "number of airports per city as a pie", "city" }, { "how many stations in each state", "state" },
  } do
    it(("%q groups by the place column it names, not by the place word for the things"):format(case[1]), function()
      local r = reading(assert(offline.plan(case[1], df)))
      assert.same({ x = case[2] }, { x = r.x, color = r.color })
    end)
  end
end)
