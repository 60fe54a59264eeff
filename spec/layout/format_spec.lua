-- Specs for layout.format: exact number, percent, currency and date labels.
local format = require "layout.format"
local ticks = require "layout.ticks"

local MINUS = "\u{2212}"

describe("layout.format", function()
  it("groups thousands and uses a real minus", function()
    assert.equal("1,234", format.number(1234))
    assert.equal("1,234,567", format.number(1234567))
    assert.equal(MINUS .. "1,234.5", format.number(-1234.5, { decimals = 1 }))
    assert.equal("0", format.number(-0.0001, { decimals = 0 }))
    assert.equal("12.5", format.number(12.5))
    assert.equal("0.00123", format.number(0.00123))
    assert.equal("1.234,5", format.number(1234.5, { decimals = 1, number = { thousands = ".", decimal = "," } }))
  end)

  it("formats every tick of a step alike", function()
    local f = format.ticker(0.25)
    assert.same({ "0.00", "0.25", "0.50", MINUS .. "0.75" }, { f(0), f(0.25), f(0.5), f(-0.75) })
    local plain = format.ticker(5000, { max = 40000 })
    assert.equal("40,000", plain(40000))
  end)

  it("switches to k/M/B suffixes for big numbers", function()
    local m = format.ticker(1000000, { max = 5000000 })
    assert.same({ "0", "1M", "5M" }, { m(0), m(1e6), m(5e6) })
    local h = format.ticker(500000, { max = 2500000 })
    assert.same({ "0.5M", "1M", "2.5M", MINUS .. "1M" }, { h(5e5), h(1e6), h(2.5e6), h(-1e6) })
    local k = format.ticker(50000, { max = 250000 })
    assert.equal("250k", k(250000))
    assert.equal("2B", format.ticker(1e9, { max = 3e9 })(2e9))
    assert.equal("1.5M", format.si(1.5e6))
    assert.equal("250k", format.si(250000))
  end)

  it("formats percent and currency", function()
    assert.equal("45%", format.percent(0.45))
    assert.equal("45%", format.ticker(0.05, { style = "percent" })(0.45))
    assert.equal("40%", format.ticker(20, { style = "points" })(40))
    assert.equal("$1.2M", format.currency(1.2e6, { si = true }))
    assert.equal("$250k", format.currency(250000, { si = true }))
    assert.equal(MINUS .. "$5", format.currency(-5))
    local eur = format.ticker(50000, { style = "currency", max = 250000, number = { currency = "€" } })
    assert.equal("€250k", eur(250000))
  end)

  it("reads a subset of d3 format specifiers", function()
    assert.equal("1,234.50", format.from_spec(",.2f", 1)(1234.5))
    assert.equal("45%", format.from_spec(".0%", 0.1)(0.45))
    assert.equal(MINUS .. "$1,234", format.from_spec("$,.0f", 1)(-1234))
    assert.equal("1.5M", format.from_spec("~s", 1)(1500000))
    assert.is_nil(format.from_spec("bogus", 1))
  end)

  it("writes dates at a unit's precision", function()
    local t = 1704067200 -- 2024-01-01T00:00:00Z
    assert.equal("2024", format.date(t, "year"))
    assert.equal("Q1 2024", format.date(t, "quarter"))
    assert.equal("Jan 2024", format.date(t, "month"))
    assert.equal("Jan 1, 2024", format.date(t, "day"))
    assert.equal("Jan 1, 2024 14:00", format.date(t + 14 * 3600, "hour"))
    assert.equal("2024-01-01 Jan Q1", format.strftime(t, "%Y-%m-%d %b Q%q"))
  end)

  it("adapts tick dates to the unit and carries the year where it changes", function()
    local hours = format.date_ticker("hour")
    assert.equal("14:00", hours(1704067200 + 14 * 3600))
    assert.equal("Jan 2", hours(1704067200 + 86400, 1704067200 + 21 * 3600))
    assert.equal("Jan 15", format.date_ticker("day")(ticks.epoch(2024, 1, 15)))
    local months = format.date_ticker("month")
    assert.equal("Jan 2024", months(ticks.epoch(2024, 1, 1)))
    assert.equal("Feb", months(ticks.epoch(2024, 2, 1), ticks.epoch(2024, 1, 1)))
    assert.equal("Jan 2025", months(ticks.epoch(2025, 1, 1), ticks.epoch(2024, 12, 1)))
    assert.equal("2024", format.date_ticker("year")(ticks.epoch(2024, 1, 1)))
    assert.equal("14:00", format.date_ticker(nil, 86400)(1704067200 + 14 * 3600, 1704067200))
  end)
end)

describe("format.decimals_apart_of (C, chartd.columns)", function()
  local has, columns = pcall(require, "chartd.columns")
  local seeded = require "seeded"

  -- A class of value sets: each a few arrays with holes, values with 0-8 decimals at
  -- magnitudes 1e-7..1e9 (rounded, or read from text), duplicates, zeros, negatives, NaN/±Inf,
  -- neighbours one unit of some digit apart (where texts clash), and results of arithmetic
  -- that are not the double of any short decimal (0.1 * 2 + 0.2, thirds).
  local function value_set(g)
    local n, arrays = g.rand(400), {}
    local scale = 10 ^ (g.rand(17) - 8)
    local places = g.rand(9) - 1
    for k = 1, g.rand(3) do
      local a = {}
      for i = 1, n do
        local r = g.rand(20)
        if r == 1 then a[i] = nil
        elseif r == 2 then a[i] = 0
        elseif r == 3 and i > 1 and a[i - 1] then a[i] = a[i - 1]
        elseif r == 4 and i > 1 and a[i - 1] then a[i] = a[i - 1] + 10 ^ -(g.rand(9) - 1)
        elseif r == 5 then a[i] = g.pick({ 0 / 0, math.huge, -math.huge, -0.0 })
        elseif r == 6 then a[i] = g.rand(1000) - 500 -- a Lua integer
        elseif r == 7 then a[i] = 0.1 * g.rand(30) + 0.2 -- arithmetic: 0.30000000000000004 beside 0.3
        elseif r == 8 then a[i] = (g.rand(2001) - 1001) / 3 -- thirds: no short decimal
        elseif r == 9 then a[i] = tonumber(("%." .. places .. "f"):format((g.rand(2001) - 1001) * scale)) -- as read from text
        else
          local v = (g.rand(2000001) - 1000001) * scale
          a[i] = math.floor(v * 10 ^ places + 0.5) / 10 ^ places
        end
      end
      arrays[k] = a
    end
    return arrays, n
  end

  it("gives what the Lua rule gives over every value together", function()
    if not has then pending("chartd.columns not built") return end
    local g = seeded.new(1717)
    for case = 1, 400 do
      local arrays, n = value_set(g)
      local all = {}
      for _, a in ipairs(arrays) do
        for i = 1, n do all[#all + 1] = a[i] end
      end
      assert.equal(format.decimals_apart(all), columns.decimals_apart(arrays, n, 6), "case " .. case)
    end
  end)

  -- A column parsed from CSV text keeps its doubles (numcol.h); one series of them is answered
  -- from those in place when every value reads as written, else copied as above.
  it("gives what the Lua rule gives over one parsed column, read in place", function()
    if not has then pending("chartd.columns not built") return end
    local g, read = seeded.new(1206), 0
    for case = 1, 300 do
      local arrays, n = value_set(g)
      local lines = { "v" }
      for i = 1, n do
        local v = arrays[1][i]
        lines[i + 1] = (v == nil or v ~= v or v == math.huge or v == -math.huge) and "" or ("%.17g"):format(v)
      end
      if g.rand(2) == 1 then -- as written with fewer digits: the usual numbers of most files
        for i = 2, #lines do
          local v = tonumber(lines[i])
          if v then lines[i] = ("%." .. (g.rand(7) - 1) .. "f"):format(v) end
        end
      end
      local _, cols, rows = require("chartd.csv").columns(table.concat(lines, "\n"), 100000, 10, 100)
      if cols and type(cols.v[1] or cols.v[2] or 0) == "number" then
        local all = {} -- the numbers, holes left out (format.decimals_apart reads with ipairs)
        for i = 1, rows do all[#all + 1] = cols.v[i] end
        local _, fresh = require("chartd.csv").columns(table.concat(lines, "\n"), 100000, 10, 100)
        assert.equal(format.decimals_apart(all), columns.decimals_apart({ fresh.v }, rows, 6), "case " .. case)
        read = read + 1
      end
    end
    assert.is_true(read > 200, "parsed columns: " .. read)
  end)

  it("reads a large CSV column's doubles without making them Lua values", function()
    if not has then pending("chartd.columns not built") return end
    local lines = { "x,y" }
    for i = 1, 20001 do lines[#lines + 1] = ("%d,%.3f"):format(i, math.sin(i) * 1000) end
    local names, cols = require("chartd.csv").columns(table.concat(lines, "\n"), 1000000, 10, 100)
    assert.same({ "x", "y" }, names)
    assert.equal(3, format.decimals_apart_of({ cols.y }, 20001))
    assert.equal(0, rawlen(cols.y)) -- still lazy: nothing was read through Lua
  end)
end)
