-- Specs for layout.scale: mapping, inverting, nice domains, reversed
-- ranges, bands and time ticks, with exact numbers.
local scale = require "layout.scale"
local ticks = require "layout.ticks"

describe("layout.scale", function()
  it("maps linearly onto a reversed range (y grows upwards)", function()
    local y = scale.linear { domain = { 0, 100 }, range = { 500, 100 } }
    assert.equal(500, y:map(0))
    assert.equal(100, y:map(100))
    assert.equal(400, y(25))
    assert.equal(50, y:invert(300))
  end)

  it("makes domains nice, includes zero and clamps on request", function()
    local s = scale.linear { domain = { 3, 97 }, range = { 0, 1 }, nice = true }
    assert.same({ 0, 100 }, s.domain)
    local z = scale.linear { domain = { 20, 80 }, range = { 0, 600 }, zero = true }
    assert.same({ 0, 80 }, z.domain)
    assert.equal(150, z(20))
    local c = scale.linear { domain = { 0, 10 }, range = { 0, 100 }, clamp = true }
    assert.equal(100, c(50))
    assert.equal(0, c(-3))
    local t = s:ticks(5)
    assert.same({ 0, 20, 40, 60, 80, 100 }, { table.unpack(t) })
    assert.equal(20, t.step)
  end)

  it("maps log domains and refuses non-positive ones", function()
    local g = scale.log { domain = { 1, 1000 }, range = { 0, 300 } }
    assert.near(100, g(10), 1e-9)
    assert.near(200, g(100), 1e-9)
    assert.is_nil(g(0))
    assert.near(100, g:invert(200), 1e-9)
    assert.same({ 1, 10, 100, 1000 }, { table.unpack(g:ticks()) })
    local n = scale.log { domain = { 3, 470 }, range = { 0, 1 }, nice = true }
    assert.same({ 1, 1000 }, n.domain)
    assert.has_error(function() scale.log { domain = { 0, 10 }, range = { 0, 1 } } end,
      "scale.log: domain must be > 0, got {0, 10}")
  end)

  it("places bands with inner and outer padding", function()
    local b = scale.band { domain = { "a", "b", "c", "d" }, range = { 0, 400 } }
    assert.equal(100, b.step)
    assert.equal(10, b("a"))
    assert.equal(110, b:map("b"))
    assert.equal(80, b:bandwidth())
    assert.equal(350, b:center("d"))
    assert.is_nil(b("zz"))
    assert.equal("c", b:invert(250))
    local flat = scale.band { domain = { "x", "y" }, range = { 0, 100 }, padding = 0 }
    assert.equal(50, flat("y"))
    assert.equal(50, flat:bandwidth())
  end)

  it("puts the first band at r0 of a reversed range", function()
    local b = scale.band { domain = { "a", "b" }, range = { 200, 0 } }
    assert.equal(110, b("a"))
    assert.equal(10, b("b"))
    assert.equal(150, b:center("a"))
  end)

  it("maps epoch seconds and ticks them by calendar unit", function()
    local t0 = ticks.epoch(2024, 1, 1)
    local s = scale.time { domain = { t0, ticks.epoch(2025, 1, 1) }, range = { 0, 732 } }
    assert.equal(0, s(t0))
    assert.near(120, s(ticks.epoch(2024, 3, 1)), 1e-9) -- 31 + 29 days of a leap year, 2 px a day
    local tk = s:ticks(12)
    assert.equal("month", tk.unit)
    assert.equal(13, #tk)
    assert.equal(ticks.epoch(2024, 7, 1), tk[7])
    local n = scale.time { domain = { t0 + 5 * 86400, ticks.epoch(2024, 11, 20) }, range = { 0, 1 }, nice = true,
      count = 4 }
    assert.same({ t0, ticks.epoch(2025, 1, 1) }, n.domain)
  end)
end)
