-- Specs for data.frame: input shapes, type inference, dates in UTC, missing
-- values, errors with paths, limits, set_type/distinct/summary, real CSVs.
local frame = require "data.frame"
local transform = require "data.transform"
local json = require "util.json"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("data.frame", function()
  describe("calendar", function()
    it("converts civil dates to days since the epoch and back", function()
      assert.are.equal(0, frame.days_from_civil(1970, 1, 1))
      assert.are.equal(19737, frame.days_from_civil(2024, 1, 15))
      assert.are.equal(-1, frame.days_from_civil(1969, 12, 31))
      assert.are.equal(11016, frame.days_from_civil(2000, 2, 29))
      assert.are.same({ 2000, 2, 29 }, { frame.civil_from_days(11016) })
      assert.are.same({ 1969, 12, 31 }, { frame.civil_from_days(-1) })
      for d = -800, 40000, 37 do
        assert.are.equal(d, frame.days_from_civil(frame.civil_from_days(d)))
      end
    end)

    it("parses the supported date shapes as UTC epoch seconds with a grain", function()
      assert.are.same({ 1704067200, "month" }, { frame.parse_date("2024-01") })
      assert.are.same({ 1705276800, "day" }, { frame.parse_date("2024-01-15") })
      assert.are.same({ 1705312800, "datetime" }, { frame.parse_date("2024-01-15T10:00:00Z") })
      assert.are.same({ 1705312800, "datetime" }, { frame.parse_date("2024-01-15 10:00") })
      assert.are.same({ 1705305600, "datetime" }, { frame.parse_date("2024-01-15T10:00+02:00") })
      assert.are.same({ 1705312800.5, "datetime" }, { frame.parse_date("2024-01-15T10:00:00.5Z") })
      assert.are.same({ 1514592000, "day" }, { frame.parse_date("12/30/17") })
      assert.are.same({ -86400, "day" }, { frame.parse_date("12/31/1969") })
      assert.are.same({ 1711929600, "quarter" }, { frame.parse_date("2024-Q2") })
      assert.are.same({ 1711929600, "quarter" }, { frame.parse_date("2024Q2") })
    end)

    it("rejects impossible or unsupported dates", function()
      for _, s in ipairs({ "2024-02-30", "2023-02-29", "2024-13", "13/01/2024", "1/2/024",
        "2024-01-15T25:00", "2024-01-15T10:00+2", "2024", "Feb 30 2024", "2024-Q5" }) do
        assert.is_nil(frame.parse_date(s), s)
      end
      assert.are.same({ 1709164800, "day" }, { frame.parse_date("2024-02-29") })
    end)
  end)

  describe("from_data", function()
    it("reads records and infers types, missing values and grains", function()
      local df = assert(frame.from_data({ values = {
        { month = "2024-01", revenue = 120.5, region = "EU", ok = true },
        { month = "2024-02", revenue = "80", region = "US", ok = false },
        { month = "2024-03", revenue = "NA", region = "", ok = json.null },
        { month = "2024-04-10", revenue = json.null, region = "null" },
      } }, "data"))
      assert.are.equal(4, df.nrows)
      assert.are.same({ "month", "ok", "region", "revenue" }, df.names)
      assert.are.same({ month = "temporal", ok = "nominal", region = "nominal", revenue = "quantitative" }, df.types)
      assert.are.equal("day", df.grain.month)
      assert.are.same({ 1704067200, 1706745600, 1709251200, 1712707200 }, df.columns.month)
      assert.are.same({ [1] = 120.5, [2] = 80 }, df.columns.revenue)
      assert.are.equal("integer", math.type(df.columns.revenue[2]))
      assert.are.same({ [1] = "EU", [2] = "US" }, df.columns.region)
      assert.are.same({ [1] = "true", [2] = "false" }, df.columns.ok)
    end)

    it("takes the union of record keys in first-seen order", function()
      local df = assert(frame.from_data({ values = { { b = 1 }, { c = "x", a = 2 }, { b = 3 } } }))
      assert.are.same({ "b", "a", "c" }, df.names)
      assert.are.same({ [2] = 2 }, df.columns.a)
      assert.are.same({ [2] = "x" }, df.columns.c)
    end)

    it("reads columns + rows, keeping column order", function()
      local df = assert(frame.from_data({ columns = { "region", "sales", "when" },
        rows = { { "EU", 10, "1/2/2024" }, { "US", 2.5, "12/31/23" }, { "EU" } } }))
      assert.are.same({ "region", "sales", "when" }, df.names)
      assert.are.equal(3, df.nrows)
      assert.are.equal("quantitative", df.types.sales)
      assert.are.equal("temporal", df.types.when)
      assert.are.equal(frame.days_from_civil(2024, 1, 2) * 86400, df.columns.when[1])
      assert.are.equal(frame.days_from_civil(2023, 12, 31) * 86400, df.columns.when[2])
    end)

    it("keeps numbers mixed with text as nominal text without .0", function()
      local df = assert(frame.from_data({ values = { { v = 3.0 }, { v = "a" }, { v = 0.25 } } }))
      assert.are.equal("nominal", df.types.v)
      assert.are.same({ "3", "a", "0.25" }, df.columns.v)
    end)

    it("reads thousands separators in a column of one format, treats hex as text", function()
      local df = assert(frame.from_data({ values = { { v = "1,234" }, { v = "12" } } }))
      assert.are.equal("quantitative", df.types.v)
      assert.are.same({ 1234, 12 }, df.columns.v)
      df = assert(frame.from_data({ values = { { v = "0x10" } } }))
      assert.are.equal("nominal", df.types.v)
      df = assert(frame.from_data({ values = { { v = "-3.5e2" }, { v = " 12 " }, { v = ".5" } } }))
      assert.are.same({ -350.0, 12, 0.5 }, df.columns.v)
    end)

    it("refuses NaN and Infinity naming the cell", function()
      local df, err = frame.from_data({ values = { { revenue = 1 }, { revenue = 2 }, { revenue = 3 },
        { revenue = 0 / 0 } } }, "data")
      assert.is_nil(df)
      assert.are.equal("invalid_data", err.code)
      assert.are.equal("data.values[3].revenue: NaN is not allowed; use null for a missing value", err.message)
      df, err = frame.from_data({ columns = { "a", "b" }, rows = { { 1, 2 }, { 3, -math.huge } } })
      assert.is_nil(df)
      assert.are.equal("data.rows[1][1]: Infinity is not allowed; use null for a missing value", err.message)
    end)

    it("reports empty data and bad shapes", function()
      local msg = "data: no rows; give data.values, data.columns+rows, or a CSV string"
      assert.are.equal(msg, select(2, frame.from_data({ values = {} })).message)
      assert.are.equal(msg, select(2, frame.from_data({})).message)
      assert.are.equal(msg, select(2, frame.from_data(nil)).message)
      assert.are.equal(msg, select(2, frame.from_data({ columns = { "a" }, rows = {} })).message)
      assert.are.equal('data.values[1]: expected an object like {"month": "2024-01", "revenue": 120}',
        select(2, frame.from_data({ values = { { a = 1 }, 5 } })).message)
      assert.are.equal("data.values[0].a: expected a number, string, boolean or null, got a nested value",
        select(2, frame.from_data({ values = { { a = { 1 } } } })).message)
      assert.are.equal('data.columns[1]: duplicate column name "a"',
        select(2, frame.from_data({ columns = { "a", "a" }, rows = { { 1, 2 } } })).message)
      assert.are.equal("data.rows[0]: row has 3 values but there are 2 columns",
        select(2, frame.from_data({ columns = { "a", "b" }, rows = { { 1, 2, 3 } } })).message)
    end)

    it("enforces the row and column limits", function()
      local rows, row = {}, { 1 }
      for i = 1, frame.MAX_ROWS + 1 do rows[i] = row end
      local _, err = frame.from_data({ columns = { "n" }, rows = rows })
      assert.are.equal(("data: %d rows is more than the limit of %d"):format(frame.MAX_ROWS + 1, frame.MAX_ROWS),
        err.message)
      local cols = {}
      for i = 1, 201 do cols[i] = "c" .. i end
      _, err = frame.from_data({ columns = cols, rows = { {} } })
      assert.are.equal("data: 201 columns is more than the limit of 200", err.message)
      local rec = {}
      for i = 1, 201 do rec["c" .. i] = i end
      _, err = frame.from_data({ values = { rec } })
      assert.are.equal("data: 201 columns is more than the limit of 200", err.message)
    end)

    it("caps text cells at MAX_STRING characters, counted in UTF-8 characters", function()
      local ok_text = string.rep("é", 10000)
      assert.is_truthy(frame.from_data({ values = { { a = ok_text } } }))
      local _, err = frame.from_data({ values = { { a = "x" }, { a = string.rep("x", 10001) } } })
      assert.are.equal("data.values[1].a: text of 10001 characters is longer than the limit of 10000", err.message)
      _, err = frame.from_data({ columns = { "a", "b" }, rows = { { 1, string.rep("y", 20000) } } })
      assert.are.equal("data.rows[0][1]: text of 20000 characters is longer than the limit of 10000", err.message)
    end)
  end)

  describe("set_type", function()
    it("coerces a column from its original values", function()
      local df = assert(frame.from_data({ values = { { c = 4, d = "2024-01-15" }, { c = 6, d = "2024-02-01" } } }))
      assert.is_true(frame.set_type(df, "c", "ordinal"))
      assert.are.same({ "4", "6" }, df.columns.c)
      assert.are.equal("ordinal", df.types.c)
      assert.is_true(frame.set_type(df, "d", "nominal"))
      assert.are.same({ "2024-01-15", "2024-02-01" }, df.columns.d)
      assert.is_nil(df.grain.d)
      assert.is_true(frame.set_type(df, "c", "quantitative"))
      assert.are.same({ 4, 6 }, df.columns.c)
      assert.is_true(frame.set_type(df, "d", "temporal"))
      assert.are.equal("day", df.grain.d)
    end)

    it("reads 4-digit numbers forced to temporal as years", function()
      local df = assert(frame.from_data({ values = { { y = 2019 }, { y = 2024 } } }))
      assert.is_true(frame.set_type(df, "y", "temporal"))
      assert.are.same({ 1546300800, 1704067200 }, df.columns.y)
      assert.are.equal("year", df.grain.y)
    end)

    it("explains values that cannot be converted", function()
      local df = assert(frame.from_data({ values = { { r = "EU" } } }))
      assert.are.same({ nil, 'column "r" has the value "EU", which is not a number' },
        { frame.set_type(df, "r", "quantitative") })
      assert.are.same({ nil, 'column "r" has the value "EU", which is not a date' },
        { frame.set_type(df, "r", "temporal") })
      assert.are.same({ nil, 'unknown type "colour"' }, { frame.set_type(df, "r", "colour") })
    end)
  end)

  it("lists distinct values in first-seen order and summarises columns", function()
    local df = assert(frame.from_data({ columns = { "g", "v" },
      rows = { { "b", 3 }, { "a", 1 }, { "b", json.null }, { json.null, 7 }, { "a", 1 } } }))
    assert.are.same({ "b", "a" }, frame.distinct(df, "g"))
    assert.are.same({ 3, 1, 7 }, frame.distinct(df, "v"))
    assert.are.same({ type = "quantitative", count = 4, missing = 1, distinct = 3, min = 1, max = 7 },
      frame.summary(df, "v"))
    assert.are.same({ type = "nominal", count = 4, missing = 1, distinct = 2 }, frame.summary(df, "g"))
    assert.is_nil(frame.summary(df, "nope"))
  end)

  describe("CSV", function()
    it("reads a CSV string and {csv=...}", function()
      local text = "month,revenue,region\n2024-01,120.5,EU\n2024-02,80,US\n2024-03,,EU\n"
      for _, input in ipairs({ text, { csv = text } }) do
        local df = assert(frame.from_data(input, "data"))
        assert.are.same({ "month", "revenue", "region" }, df.names)
        assert.are.equal(3, df.nrows)
        assert.are.same({ month = "temporal", revenue = "quantitative", region = "nominal" }, df.types)
        assert.are.same({ [1] = 120.5, [2] = 80 }, df.columns.revenue)
      end
    end)

    it("infers the types of cars.csv", function()
      local df = assert(frame.from_data(read("/work/shared/data/cars.csv"), "data"))
      assert.are.equal(303, df.nrows)
      assert.are.same({ "Model", "MPG", "Cylinders", "Displacement", "Horsepower", "Weight",
        "Acceleration", "Year", "Origin" }, df.names)
      assert.are.equal("nominal", df.types.Origin)
      assert.are.equal("nominal", df.types.Model)
      assert.are.equal("quantitative", df.types.MPG)
      assert.are.equal("quantitative", df.types.Cylinders)
      assert.are.same({ "Europe", "Japan", "USA" }, (function()
        local d = frame.distinct(df, "Origin")
        table.sort(d)
        return d
      end)())
      local s = frame.summary(df, "MPG")
      assert.are.same({ 303, 0, 9, 46.6 }, { s.count, s.missing, s.min, s.max })
      -- Cross-checked with Python's statistics.quantiles(method="inclusive").
      local q1, med, q3 = transform.quartiles(df.columns.MPG)
      assert.are.same({ 17.25, 23, 29.95 }, { q1, med, tonumber(string.format("%.10g", q3)) })
      local by = transform.group(df, "Origin", "MPG", "mean")
      assert.are.same({ { Origin = "Europe", value = 57 }, { Origin = "Japan", value = 60 },
        { Origin = "USA", value = 186 } }, transform.group(df, "Origin", nil, "count"))
      assert.are.same({ "Europe", "Japan", "USA" }, { by[1].Origin, by[2].Origin, by[3].Origin })
      assert.are.equal("27.9298245614", string.format("%.10f", by[1].value))
      assert.are.equal("30.6416666667", string.format("%.10f", by[2].value))
      assert.are.equal("20.3344086022", string.format("%.10f", by[3].value))
    end)

    it("infers the types of superstore.csv, with M/D/YY order dates", function()
      local df = assert(frame.from_data(read("/work/shared/data/superstore.csv"), "data"))
      assert.are.equal(5899, df.nrows)
      assert.are.equal(18, #df.names)
      assert.are.equal("temporal", df.types["Order Date"])
      assert.are.equal("day", df.grain["Order Date"])
      assert.are.equal(1514592000, df.columns["Order Date"][1]) -- 12/30/17
      local s = frame.summary(df, "Order Date")
      assert.are.same({ 1451692800, 1514592000, 642 }, { s.min, s.max, s.distinct })
      assert.are.equal("quantitative", df.types.Sales)
      assert.are.equal("nominal", df.types.Category)
      assert.are.equal("nominal", df.types["Order ID"])
    end)

    it("reports CSV problems under the data path", function()
      local _, err = frame.from_data({ csv = "a,b\n1,2,3\n" })
      assert.are.equal("data.csv: CSV record 2 has 3 values but the header has 2 columns", err.message)
      _, err = frame.from_data("a,b\n")
      assert.are.equal("data: no rows; give data.values, data.columns+rows, or a CSV string", err.message)
    end)
  end)
end)

describe("data.frame output", function()
  it("formats dates at their grain", function()
    local t = frame.parse_date("2024-05-15T13:45:10Z")
    assert.are.equal("2024", frame.format_date(t, "year"))
    assert.are.equal("2024-Q2", frame.format_date(t, "quarter"))
    assert.are.equal("2024-05", frame.format_date(t, "month"))
    assert.are.equal("2024-05-15", frame.format_date(t, "day"))
    assert.are.equal("2024-05-15T13:45:10Z", frame.format_date(t, "datetime"))
    assert.are.equal("1969-12-31T23:59:59Z", frame.format_date(-1, "datetime"))
  end)

  it("turns a frame back into JSON-able records", function()
    local df = assert(frame.from_data({ columns = { "m", "v", "r" },
      rows = { { "2024-01", 1.5, "EU" }, { "2024-02", json.null, "US" } } }))
    assert.are.equal('[{"m":"2024-01","r":"EU","v":1.5},{"m":"2024-02","r":"US"}]',
      json.encode(frame.to_records(df)))
  end)
end)

describe("data.frame.first_seen", function()
  -- The distinct values in first-seen order, or nil past a limit; the answer is kept with the
  -- column, so each call is checked against a plain loop over the same column.
  local function plain(col, n, limit)
    local seen, order = {}, {}
    for i = 1, n do
      local x = col[i]
      if x ~= nil and not seen[x] then
        seen[x] = true
        order[#order + 1] = x
        if limit and #order > limit then return nil end
      end
    end
    return order
  end

  it("lists a column's values as a loop would, whatever was asked of it before", function()
    local seed = 17
    local function pick(k) seed = (seed * 1103515245 + 12345) % 2147483648; return (seed >> 16) % k + 1 end
    for round = 1, 200 do
      local col, n = {}, pick(60) - 1
      for i = 1, n do col[i] = pick(5) > 1 and ("k" .. pick(pick(30))) or nil end
      for _ = 1, 4 do -- limits below, at and above the count, and none, in random order
        local limit = ({ nil, pick(20), 3, 40 })[pick(4)]
        local rows = pick(3) == 1 and math.max(0, n - pick(5)) or n -- another frame's row count
        assert.same(plain(col, rows, limit), frame.first_seen(col, rows, limit), "round " .. round)
      end
    end
  end)
end)
