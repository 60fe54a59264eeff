-- Tests for charts.shared.series: aggregation, ordering, stacking, normalization.
local series = require "charts.shared.series"
local fixture = require "charts.shared.fixture"

local function model_of(values, encoding, opts)
  return series.build(fixture.spec("bar", values, encoding, {}), opts)
end

local XY = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } }
local XYC = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" },
  color = { field = "g", type = "nominal" } }

describe("charts.shared.series", function()
  it("keeps nominal keys in data order and sums rows that share a key", function()
    local m = model_of({ { k = "b", v = 1 }, { k = "a", v = 2 }, { k = "b", v = 3 } }, XY, { band = true })
    assert.same({ "b", "a" }, m.keys)
    assert.equal(1, #m.series)
    assert.same({ 4, 2 }, m.series[1].values)
    assert.equal("sum", m.aggregate)
    assert.is_nil(m.explicit_aggregate)
    assert.equal("band", m.x_kind)
  end)

  it("applies encoding.y.aggregate", function()
    local enc = { x = XY.x, y = { field = "v", type = "quantitative", aggregate = "mean" } }
    local m = model_of({ { k = "a", v = 1 }, { k = "a", v = 4 }, { k = "b", v = 10 } }, enc)
    assert.same({ 2.5, 10 }, m.series[1].values)
    local cnt = model_of({ { k = "a", v = 1 }, { k = "a", v = 4 }, { k = "b", v = 10 } },
      { x = XY.x, y = { aggregate = "count" } })
    assert.same({ 2, 1 }, cnt.series[1].values)
  end)

  it("sorts by encoding.x.sort", function()
    local rows = { { k = "a", v = 10 }, { k = "b", v = 20 }, { k = "c", v = 40 }, { k = "d", v = 5 } }
    local function keys(sort)
      return model_of(rows, { x = { field = "k", type = "nominal", sort = sort }, y = XY.y }).keys
    end
    assert.same({ "c", "b", "a", "d" }, keys("-y"))
    assert.same({ "d", "a", "b", "c" }, keys("y"))
    assert.same({ "d", "c", "b", "a" }, keys("descending"))
    assert.same({ "a", "b", "c", "d" }, keys("ascending"))
    assert.same({ "c", "a", "b", "d" }, keys({ "c", "a" }))
  end)

  it("orders numbers and dates ascending by default", function()
    local m = model_of({ { k = 3, v = 1 }, { k = 1, v = 2 }, { k = 2, v = 3 } },
      { x = { field = "k", type = "quantitative" }, y = XY.y })
    assert.same({ 1, 2, 3 }, m.keys)
    assert.same({ 2, 3, 1 }, m.series[1].values)
    assert.equal("linear", m.x_kind)
  end)

  it("truncates temporal x to the time unit and sums each period", function()
    local m = model_of({ { d = "2024-01-05", v = 1 }, { d = "2024-01-20", v = 2 }, { d = "2024-02-01", v = 4 } },
      { x = { field = "d", type = "temporal", timeUnit = "yearmonth" }, y = XY.y }, { band = true })
    assert.same({ 1704067200, 1706745600 }, m.keys) -- 2024-01-01, 2024-02-01 UTC
    assert.same({ 3, 4 }, m.series[1].values)
    assert.equal("band", m.x_kind)
  end)

  it("groups by colour into series in first-seen order", function()
    local m = model_of({ { k = "a", g = "EU", v = 1 }, { k = "a", g = "US", v = 2 }, { k = "b", g = "US", v = 3 } },
      XYC)
    assert.equal(2, #m.series)
    assert.equal("EU", m.series[1].name)
    assert.equal("US", m.series[2].name)
    assert.same({ 1 }, m.series[1].values) -- no EU row at "b"
    assert.is_nil(m.series[1].values[2])
    assert.same({ 2, 3 }, m.series[2].values)
    assert.is_false(m.stacked)
    assert.same({ 0, 0 }, m.series[2].y0)
    assert.equal(1, m.y_min)
    assert.equal(3, m.y_max)
  end)

  it("stacks positives up and negatives down from zero", function()
    local rows = {
      { k = "a", g = "p", v = 10 }, { k = "a", g = "q", v = 20 }, { k = "a", g = "r", v = -5 },
      { k = "b", g = "p", v = -3 }, { k = "b", g = "q", v = 7 }, { k = "b", g = "r", v = -4 },
    }
    local m = model_of(rows, XYC, { stacked = true })
    local p, q, r = m.series[1], m.series[2], m.series[3]
    assert.is_true(m.stacked)
    assert.same({ 0, 0 }, p.y0); assert.same({ 10, -3 }, p.y1)
    assert.same({ 10, 0 }, q.y0); assert.same({ 30, 7 }, q.y1)
    assert.same({ 0, -3 }, r.y0); assert.same({ -5, -7 }, r.y1)
    assert.equal(-7, m.y_min)
    assert.equal(30, m.y_max)
  end)

  it("normalizes each key to 100 %", function()
    local rows = { { k = "a", g = "p", v = 1 }, { k = "a", g = "q", v = 3 }, { k = "b", g = "p", v = 5 },
      { k = "b", g = "q", v = 5 } }
    local m = model_of(rows, XYC, { stacked = true, normalize = true })
    assert.same({ 25, 50 }, m.series[1].y1)
    assert.same({ 100, 100 }, m.series[2].y1)
    assert.same({ 25, 50 }, m.series[2].y0)
    assert.equal(0, m.y_min)
    assert.equal(100, m.y_max)
  end)

  it("keeps all-missing groups as gaps when asked", function()
    local m = model_of({ { k = 1, v = 1 }, { k = 2 }, { k = 3, v = 3 } },
      { x = { field = "k", type = "quantitative" }, y = XY.y }, { gaps = true })
    assert.same({ 1, 2, 3 }, m.keys)
    assert.equal(1, m.series[1].values[1])
    assert.is_nil(m.series[1].values[2])
    assert.is_true(m.series[1].missing[2])
    assert.equal(3, m.series[1].values[3])
  end)

  it("a single increasing series comes with the extent columns.scan would find", function()
    local columns = require "chartd.columns"
    local seed = 7
    local function rnd(k) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k end
    for trial = 1, 40 do
      local rows, n = {}, 1 + rnd(60)
      for i = 1, n do -- ties, gaps (gaps = true keeps them), integers and floats
        local v = rnd(5) == 0 and nil or (rnd(2) == 0 and rnd(7) - 3 or (rnd(1000) - 500) / 7)
        rows[i] = { k = i * 3 + trial, v = v }
      end
      local m = model_of(rows, { x = { field = "k", type = "quantitative" }, y = XY.y }, { gaps = true })
      local s = m.series[1]
      assert.is_table(s.scanned) -- from the grouping; M.extent keeps it
      assert.same({ n = n, columns.scan(s.values, n) }, s.scanned)
    end
  end)

  it("finds the extremes for alt text", function()
    local m = model_of({ { k = "a", g = "EU", v = 1 }, { k = "a", g = "US", v = 9 }, { k = "b", g = "US", v = -2 } },
      XYC)
    local hi, lo = series.extremes(m)
    assert.same({ series = "US", key = "a", value = 9 }, hi)
    assert.same({ series = "US", key = "b", value = -2 }, lo)
  end)

  it("shapes 100,000 rows (speed lives in bench/, not here)", function()
    local rows = {}
    for i = 1, 100000 do rows[i] = { k = "k" .. (i % 50), g = "g" .. (i % 4), v = i % 7 } end
    local spec = fixture.spec("bar", rows, XYC)
    local m = series.build(spec, { stacked = true })
    assert.equal(50, #m.keys)
    assert.equal(4, #m.series)
    -- k = i % 50 and g = i % 4 meet every 100 rows; each (k, g) pair gets 1,000 rows
    local total = 0
    for _, s in ipairs(m.series) do for i = 1, #m.keys do total = total + (s.values[i] or 0) end end
    local want = 0
    for i = 1, 100000 do want = want + i % 7 end
    assert.equal(want, total)
  end)
end)
