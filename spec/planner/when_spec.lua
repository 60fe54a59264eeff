-- planner.when reads time windows and grains from words; synth.periods resolves them against
-- a day into points. Tested together: what a phrase means is the points it gives.
local when = require "planner.when"
local periods = require "synth.periods"

local DEC5 = { year = 2026, month = 12, day = 5 } -- a Saturday
local FEB10 = { year = 2026, month = 2, day = 10 }

-- grain, number of points, first and last label of a phrase at a day
local function points(phrase, today)
  local r = when.read(phrase)
  local unit = r.unit or periods.grain(r.ranges, today) or "month"
  local list = periods.list(unit, { ranges = r.ranges }, today)
  return unit, #list, list[1] and list[1].label, list[#list] and list[#list].label
end

local function expect(phrase, today, unit, n, first, last)
  local u, got, f, l = points(phrase, today)
  assert.same({ unit, n, first, last }, { u, got, f, l }, phrase)
end

describe("planner.when + synth.periods", function()
  it("reads the windows of the issue at a fixed day", function()
    expect("last 30 days", DEC5, "day", 30, "2026-11-05", "2026-12-04")
    expect("hourly today", DEC5, "hour", 24, "2026-12-05T00:00:00Z", "2026-12-05T23:00:00Z")
    expect("weekly in Q3", DEC5, "week", 14, "2026-06-29", "2026-09-28")
    expect("since 2019", DEC5, "quarter", 32, "2019-Q1", "2026-Q4")
    expect("over the past 5 years", DEC5, "month", 60, "2021-12", "2026-11")
    expect("last quarter", DEC5, "week", 14, "2026-06-29", "2026-09-28")
    expect("this year by month", DEC5, "month", 12, "2026-01", "2026-12")
    expect("2020 to 2023 quarterly", DEC5, "quarter", 16, "2020-Q1", "2023-Q4")
    expect("in March 2024", DEC5, "day", 31, "2024-03-01", "2024-03-31")
    expect("yesterday by hour", DEC5, "hour", 24, "2026-12-04T00:00:00Z", "2026-12-04T23:00:00Z")
  end)

  it("places a period without a year at the latest one begun", function()
    expect("weekly in Q3", FEB10, "week", 14, "2025-06-30", "2025-09-29")
    expect("in march", DEC5, "day", 31, "2026-03-01", "2026-03-31")
    expect("in march", FEB10, "day", 31, "2025-03-01", "2025-03-31")
    expect("this year by month", FEB10, "month", 2, "2026-01", "2026-02")
    expect("November to February", DEC5, "week", 18, "2025-10-27", "2026-02-23")
    expect("November to February by month", DEC5, "month", 4, "2025-11", "2026-02")
    expect("Jan–Jun 2024", DEC5, "month", 6, "2024-01", "2024-06")
    expect("q1-q3 2024 by month", DEC5, "month", 9, "2024-01", "2024-09")
  end)

  it("reads many ways of writing a window", function()
    expect("between 2018 and 2020", DEC5, "month", 36, "2018-01", "2020-12")
    expect("2020-23", DEC5, "month", 48, "2020-01", "2023-12")
    expect("from March 2022", DEC5, "month", 58, "2022-03", "2026-12")
    expect("since 3 months ago", DEC5, "week", 14, "2026-08-31", "2026-11-30")
    expect("the past 2 weeks", DEC5, "day", 14, "2026-11-21", "2026-12-04")
    expect("past year", DEC5, "month", 12, "2025-12", "2026-11")
    expect("last year", DEC5, "month", 12, "2025-01", "2025-12")
    expect("the last decade", DEC5, "year", 10, 2016, 2025)
    expect("in the 1990s", DEC5, "quarter", 40, "1990-Q1", "1999-Q4")
    expect("Q3'24", DEC5, "week", 14, "2024-07-01", "2024-09-30")
    expect("first half of 2025", DEC5, "month", 6, "2025-01", "2025-06")
    expect("March 15, 2024", DEC5, "hour", 24, "2024-03-15T00:00:00Z", "2024-03-15T23:00:00Z")
    expect("2024-03-01 to 2024-03-14", DEC5, "day", 14, "2024-03-01", "2024-03-14")
    expect("ytd", DEC5, "month", 12, "2026-01", "2026-12")
    expect("year to date by week", DEC5, "week", 49, "2025-12-29", "2026-11-30")
    expect("this month", DEC5, "day", 5, "2026-12-01", "2026-12-05")
    expect("over the past couple of years", DEC5, "month", 24, "2024-12", "2026-11")
    expect("a 30-day window", DEC5, "day", 30, "2026-11-05", "2026-12-04")
    expect("next 12 months", DEC5, "month", 12, "2027-01", "2027-12")
    expect("next week", DEC5, "day", 7, "2026-12-07", "2026-12-13")
    expect("daily in may 2025", DEC5, "day", 31, "2025-05-01", "2025-05-31")
    expect("summer 2024", DEC5, "week", 14, "2024-05-27", "2024-08-26")
  end)

  it("reads 'last N units' in any wording as N points of that unit, ending before today's", function()
    local forms = { "last %d %s", "past %d %s", "the last %d %s", "over the previous %d %s", "%d-%s window",
      "trailing %d %s", "for the past %d %s" }
    local last = { day = "2026-12-04", week = "2026-11-23", month = "2026-11", quarter = "2026-Q3", year = 2025 }
    for _, unit in ipairs { "day", "week", "month", "quarter", "year" } do
      for n = 6, 40, 7 do
        for _, form in ipairs(forms) do
          local word = form:find("%-") and unit or unit .. "s"
          local phrase = form:format(n, word)
          local u, got, _, l = points(phrase, DEC5)
          assert.same({ unit, n, last[unit] }, { u, got, l }, phrase)
        end
      end
    end
  end)

  it("reads grains however they are written, typos included", function()
    for phrase, unit in pairs { ["montly sales"] = "month", ["sales by the week"] = "week", ["per day"] = "day",
      ["quartely"] = "quarter", ["each year"] = "year", ["hour by hour"] = "hour", ["month-over-month"] = "month",
      ["year on year"] = "year", ["annual"] = "year", ["every day"] = "day" } do
      assert.equal(unit, when.read(phrase).unit, phrase)
    end
  end)

  it("does not read categories, speeds or verbs as time", function()
    for _, phrase in ipairs { "visits by day of week", "by hour of the day", "speed in km per hour",
      "it may rain", "top 5 brands", "the fall of sales" } do
      local r = when.read(phrase)
      assert.is_nil(r.unit, phrase)
      assert.is_nil(r.ranges, phrase)
    end
  end)

  it("keeps a very long span's latest points", function()
    local list = periods.list("day", { ranges = when.read("since 1950").ranges }, DEC5)
    assert.equal(periods.MAX_COUNT.day, #list)
    assert.equal("2026-12-05", list[#list].label)
  end)
end)
