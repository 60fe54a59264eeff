-- Specs for layout.ticks: exact nice, log and time tick values.
local ticks = require "layout.ticks"

local function values(t)
  local out = {}
  for i, v in ipairs(t) do out[i] = v end
  return out
end

describe("layout.ticks", function()
  it("gives 1/2/5 steps covering the domain", function()
    local t = ticks.nice(0, 100, 5)
    assert.same({ 0, 20, 40, 60, 80, 100 }, values(t))
    assert.equal(20, t.step)
    assert.same({ 0, 0.2, 0.4, 0.6, 0.8, 1 }, values(ticks.nice(0, 1, 5)))
    local n = ticks.nice(-3.2, 17.8, 5)
    assert.same({ -5, 0, 5, 10, 15, 20 }, values(n))
    assert.equal(-5, n.min)
    assert.equal(20, n.max)
  end)

  it("keeps small decimals exact", function()
    local t = ticks.nice(0.001, 0.0042, 5)
    assert.same({ 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.0045 }, values(t))
    assert.equal(0.0005, t.step)
  end)

  it("expands a zero-width domain", function()
    assert.same({ 4, 4.5, 5, 5.5, 6 }, values(ticks.nice(5, 5, 5)))
    assert.same({ -1, -0.5, 0, 0.5, 1 }, values(ticks.nice(0, 0, 5)))
  end)

  it("stays inside the domain with ticks.linear and accepts a reversed domain", function()
    assert.same({ 0, 5, 10, 15 }, values(ticks.linear(-3.2, 17.8, 5)))
    assert.same({ 0, 20, 40, 60, 80, 100 }, values(ticks.nice(100, 0, 5)))
  end)

  it("gives powers of ten on log domains, with 2 and 5 when few", function()
    assert.same({ 1, 10, 100, 1000 }, values(ticks.log(1, 1000)))
    assert.same({ 5, 10, 20 }, values(ticks.log(3, 40)))
    assert.same({ 3, 4, 5, 6, 7, 8 }, values(ticks.log(3, 8)))
  end)

  it("converts between civil dates and days", function()
    assert.equal(19723, ticks.days_from_civil(2024, 1, 1))
    assert.same({ 2024, 2, 29 }, { ticks.civil_from_days(ticks.days_from_civil(2024, 2, 29)) })
    assert.equal(1704067200, ticks.epoch(2024, 1, 1))
  end)

  it("aligns time ticks to months, weeks, hours and decades in UTC", function()
    local y = ticks.time(1704067200, 1704067200 + 365 * 86400, 12)
    assert.equal("month", y.unit)
    assert.equal(12, #y)
    assert.equal(ticks.epoch(2024, 1, 1), y[1])
    assert.equal(ticks.epoch(2024, 2, 1), y[2])
    assert.equal(ticks.epoch(2024, 12, 1), y[12])
    local q = ticks.time(1704067200, 1704067200 + 365 * 86400, 4)
    assert.equal("quarter", q.unit)
    assert.same({ ticks.epoch(2024, 1, 1), ticks.epoch(2024, 4, 1), ticks.epoch(2024, 7, 1), ticks.epoch(2024, 10, 1) },
      values(q))
    local w = ticks.time(1704067200 + 100, 1704067200 + 30 * 86400, 5)
    assert.equal("week", w.unit)
    assert.equal(ticks.epoch(2024, 1, 8), w[1]) -- the first Monday after the start
    local h = ticks.time(1704067200, 1704067200 + 86400, 8)
    assert.equal("hour", h.unit)
    assert.equal(3, h.step)
    assert.equal(1704067200 + 3 * 3600, h[2])
    local d = ticks.time(0, 40 * 365.25 * 86400, 4)
    assert.equal("decade", d.unit)
    assert.same({ 0, ticks.epoch(1980, 1, 1), ticks.epoch(1990, 1, 1), ticks.epoch(2000, 1, 1),
      ticks.epoch(2010, 1, 1) }, values(d))
  end)

  it("never picks a unit finer than min_unit", function()
    local t = ticks.time(1704067200, 1704067200 + 20 * 86400, 10, "month")
    assert.equal("month", t.unit)
  end)
end)

describe("layout.ticks for whole numbers", function()
  local ticks = require "layout.ticks"
  it("never steps by a fraction", function()
    local tk = ticks.integer(1, 4, 8)
    assert.is_true(tk.step >= 1)
    for _, v in ipairs(tk) do assert.equal(math.floor(v), v) end
    local one = ticks.integer(3, 3, 5)
    assert.same({ 1, 2, 4 }, { one.step, one[1], one[#one] })
    assert.is_true(ticks.whole({ 1, nil, 3 }, 3))
    assert.is_false(ticks.whole({ 1, 2.5 }, 2))
  end)
end)
