-- Specs for data.transform: exact aggregates, groups, nice bins, stable
-- sorts, type-7 quartiles and UTC time truncation.
local transform = require "data.transform"
local frame = require "data.frame"

local function range(a, b)
  local t = {}
  for i = a, b do t[#t + 1] = i end
  return t
end

describe("data.transform", function()
  describe("aggregate", function()
    local vals = { n = 6, 4, nil, 1, 10, nil, 3 }

    it("ignores missing values", function()
      assert.are.equal(18, transform.aggregate(vals, "sum"))
      assert.are.equal(4.5, transform.aggregate(vals, "mean"))
      assert.are.equal(4.5, transform.aggregate(vals, "average"))
      assert.are.equal(3.5, transform.aggregate(vals, "median"))
      assert.are.equal(1, transform.aggregate(vals, "min"))
      assert.are.equal(10, transform.aggregate(vals, "max"))
      assert.are.equal(4, transform.aggregate(vals, "count"))
    end)

    it("gives the mean of finite values whose sum leaves the double range, as chartd.columns does", function()
      assert.are.equal(math.huge, transform.aggregate({ 1e308, 1e308 }, "sum")) -- the sum does overflow
      assert.are.equal(1e308, transform.aggregate({ 1e308, 1e308, 1e308 }, "mean"))
      assert.are.equal(-1.7e308, transform.aggregate({ -1.7e308, nil, -1.7e308, n = 3 }, "mean"))
      local ys = { 1e308, 1e308, 1e308, -1.7e308, -1.7e308, 3, 5 }
      local _, _, values = require("chartd.columns").group({ 1, 1, 1, 2, 2, 3, 3 }, ys, nil, 7, "mean", false)
      assert.are.same({ transform.aggregate({ 1e308, 1e308, 1e308 }, "mean"),
        transform.aggregate({ -1.7e308, -1.7e308 }, "mean"), transform.aggregate({ 3, 5 }, "mean") }, values[1])
    end)

    it("counts rows when there are no values, and handles empty input", function()
      assert.are.equal(7, transform.aggregate(nil, "count", 7))
      assert.are.equal(0, transform.aggregate({}, "sum"))
      assert.is_nil(transform.aggregate({}, "mean"))
      assert.is_nil(transform.aggregate({}, "median"))
      assert.is_nil(transform.aggregate({ n = 2 }, "max"))
      assert.are.equal(0, transform.aggregate({ n = 3 }, "count"))
      assert.are.equal(5, transform.aggregate({ 5 }, "median"))
    end)

    it("raises on an unknown operation", function()
      assert.has_error(function() transform.aggregate({ 1 }, "mode") end, "unknown aggregate mode")
    end)
  end)

  describe("group", function()
    local df = assert(frame.from_data({ columns = { "region", "kind", "revenue" }, rows = {
      { "EU", "a", 10 }, { "US", "a", 5 }, { "EU", "b", 2.5 }, { "EU", "a", nil }, { "US", "b", 1 },
      { nil, "a", 4 },
    } }))

    it("aggregates per group in first-seen order", function()
      assert.are.same({ { region = "EU", value = 12.5 }, { region = "US", value = 6 }, { value = 4 } },
        transform.group(df, "region", "revenue", "sum"))
      assert.are.same({ { region = "EU", value = 3 }, { region = "US", value = 2 }, { value = 1 } },
        transform.group(df, { "region" }, nil, "count"))
      assert.are.same({ { region = "EU", value = 2 }, { region = "US", value = 2 }, { value = 1 } },
        transform.group(df, "region", "revenue", "count"))
    end)

    it("groups by several keys", function()
      assert.are.same({
        { region = "EU", kind = "a", value = 10 }, { region = "US", kind = "a", value = 5 },
        { region = "EU", kind = "b", value = 2.5 }, { region = "US", kind = "b", value = 1 },
        { kind = "a", value = 4 },
      }, transform.group(df, { "region", "kind" }, "revenue", "mean"))
    end)

    it("keeps number and text keys apart", function()
      local d = assert(frame.from_data({ values = { { k = "1", v = 1 }, { k = "x", v = 2 } } }))
      assert.are.equal(2, #transform.group(d, "k", "v", "sum"))
    end)
  end)

  describe("bin", function()
    -- Counting goes through C for long columns: every value lands in the bin whose edges
    -- hold it (the last bin holds its upper edge), values on an edge go up, none is lost.
    it("puts each of 20,000 random values in the bin whose edges hold it", function()
      local seed = 99
      local function rnd()
        seed = (seed * 1103515245 + 12345) % 2147483648
        return seed / 2147483648
      end
      for round = 1, 20 do
        local values, n = {}, 20000
        for i = 1, n do
          local v = (rnd() - 0.3) * 10 ^ (round % 5)
          if i % 7 == 0 then v = math.floor(v) end -- values sitting on edges
          values[i] = i % 101 ~= 0 and v or nil    -- and some missing
        end
        values.n = n
        local b = transform.bin(values, { maxbins = 5 + round })
        local k, want = #b.counts, {}
        for j = 1, k do want[j] = 0 end
        for i = 1, n do
          local v = values[i]
          if v ~= nil then
            local j = 1
            while j < k and v >= b.edges[j + 1] do j = j + 1 end
            want[j] = want[j] + 1
          end
        end
        assert.same(want, b.counts, "round " .. round)
      end
    end)

    it("picks step 10 for 1..100 with 10 bins, the maximum in the last bin", function()
      local b = transform.bin(range(1, 100))
      assert.are.same({ 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 }, b.edges)
      assert.are.same({ 9, 10, 10, 10, 10, 10, 10, 10, 10, 11 }, b.counts)
      assert.are.equal(10, b.step)
    end)

    it("divides the step by 2 when maxbins allows", function()
      local b = transform.bin(range(0, 100), { maxbins = 20 })
      assert.are.equal(5, b.step)
      assert.are.equal(21, #b.edges)
      assert.are.equal(0, b.edges[1])
      assert.are.equal(100, b.edges[21])
    end)

    it("snaps decimal edges to the step's precision", function()
      local b = transform.bin({ 0.12, 0.35, nil, 0.58, 0.91, n = 5 })
      assert.are.same({ 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 }, b.edges)
      assert.are.same({ 1, 0, 1, 0, 1, 0, 0, 0, 1 }, b.counts)
    end)

    it("uses an explicit step and extent", function()
      local b = transform.bin(range(0, 100), { step = 25 })
      assert.are.same({ 0, 25, 50, 75, 100 }, b.edges)
      assert.are.same({ 25, 25, 25, 26 }, b.counts)
      b = transform.bin({ 3, 7, 12, 15 }, { step = 5, extent = { 5, 15 } })
      assert.are.same({ 5, 10, 15 }, b.edges)
      assert.are.same({ 1, 2 }, b.counts)
    end)

    it("handles a single value, no values, and too many bins", function()
      assert.are.same({ edges = { 5, 6 }, counts = { 3 }, step = 1 }, transform.bin({ 5, 5, 5 }))
      assert.are.same({ edges = {}, counts = {} }, transform.bin({ n = 2 }))
      assert.are.same({ nil, "bin step 0.001 would make 100000 bins (limit 10000)" },
        { transform.bin({ 0, 100 }, { step = 0.001 }) })
    end)
  end)

  describe("sort", function()
    it("sorts stably, nils last, in either order", function()
      local list = { { k = 2, id = "a" }, { k = 1, id = "b" }, { id = "c" }, { k = 2, id = "d" }, { k = 0, id = "e" } }
      local ids = function(l)
        local t = {}
        for i, x in ipairs(l) do t[i] = x.id end
        return t
      end
      assert.are.same({ "e", "b", "a", "d", "c" }, ids(transform.sort(list, "k", "ascending")))
      assert.are.same({ "a", "d", "b", "e", "c" }, ids(transform.sort(list, "k", "descending")))
      assert.are.same({ "x", "y" }, ids(transform.sort({ { id = "y", k = "b" }, { id = "x", k = "a" } }, "k")))
    end)
  end)

  describe("quartiles", function()
    it("interpolates like R type 7 / numpy", function()
      assert.are.same({ 1.75, 2.5, 3.25 }, { transform.quartiles({ 4, 1, 3, 2 }) })
      assert.are.same({ 3.25, 5.5, 7.75 }, { transform.quartiles(range(1, 10)) })
      assert.are.same({ 7, 7, 7 }, { transform.quartiles({ 7 }) })
      assert.are.same({ 2, 3, 4 }, { transform.quartiles({ 1, nil, 2, 3, 4, 5, n = 6 }) })
      assert.is_nil(transform.quartiles({}))
      assert.are.equal(9.1, transform.quantile(range(1, 10), 0.9))
    end)
  end)

  describe("time_unit", function()
    local t = frame.parse_date("2024-05-15T13:45:10Z") -- a Wednesday

    it("floors to Vega-Lite's units: periods with the year, parts of the year in 2012", function()
      local day = function(y, m, d) return frame.days_from_civil(y, m, d) * 86400 end
      assert.are.equal(day(2024, 1, 1), transform.time_unit(t, "year"))
      assert.are.equal(day(2012, 4, 1), transform.time_unit(t, "quarter"))
      assert.are.equal(day(2024, 4, 1), transform.time_unit(t, "yearquarter"))
      assert.are.equal(day(2012, 5, 1), transform.time_unit(t, "month")) -- May, of any year
      assert.are.equal(day(2024, 5, 1), transform.time_unit(t, "yearmonth"))
      assert.are.equal(day(2024, 5, 12), transform.time_unit(t, "yearweek"))
      assert.are.equal(day(2012, 1, 15), transform.time_unit(t, "date")) -- the 15th
      assert.are.equal(day(2012, 1, 4), transform.time_unit(t, "day")) -- a Wednesday (2012-01-04)
      assert.are.equal(day(2024, 5, 15), transform.time_unit(t, "yearmonthdate"))
      assert.are.equal(day(2024, 5, 15) + 13 * 3600, transform.time_unit(t, "yearmonthdatehours"))
      assert.are.equal(day(1969, 12, 28), transform.time_unit(-1, "yearweek"))
      assert.are.equal(day(1969, 1, 1), transform.time_unit(-1, "year"))
    end)
  end)
end)
