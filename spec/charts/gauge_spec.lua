-- Tests for charts.gauge: needle angle, clamping, range checks, pixels.
local gauge = require "charts.gauge"
local cat = require "charts.shared.catalogue"

local ENC = { theta = { field = "v" } }

describe("charts.gauge", function()
  it("maps min to 9 o'clock, max to 3 o'clock and clamps outside", function()
    cat.near(math.pi, gauge.angle(0, 0, 100))
    cat.near(1.75 * math.pi, gauge.angle(75, 0, 100))
    cat.near(2 * math.pi, gauge.angle(150, 0, 100))
    cat.near(math.pi, gauge.angle(-5, 0, 100))
  end)

  it("points the needle at the summed value", function()
    local spec = cat.spec("gauge", { { v = 30 }, { v = 45 } }, ENC, { min = 0, max = 100, target = 80 })
    local l = cat.layout(gauge, spec)
    assert.equal(75, l.model.value)
    cat.near(1.75 * math.pi, l.needle)
    cat.near(gauge.angle(80, 0, 100), l.target_angle)
    assert.equal("75", l.value_text)
    assert.equal("Gauge of v: 75 on a scale from 0 to 100 (75% of the range). It is below the target of 80.",
      gauge.describe(spec, l))
  end)

  it("picks a nice maximum when none is given", function()
    local l = cat.layout(gauge, cat.spec("gauge", { { v = 73 } }, ENC))
    assert.same({ 0, 80 }, { l.model.min, l.model.max })
  end)

  it("makes bands from thresholds", function()
    local l = cat.layout(gauge, cat.spec("gauge", { { v = 10 } }, ENC, { min = 0, max = 100, bands = { 40, 70 } }))
    assert.equal(3, #l.model.bands)
    assert.same({ 40, 70 }, { l.model.bands[2].from, l.model.bands[2].to })
  end)

  it("rejects a max below min and unordered bands", function()
    local err = cat.error({ type = "gauge", data = { values = { { v = 1 } } }, encoding = ENC,
      options = { min = 10, max = 5 } })
    assert.equal("options.max: must be greater than options.min (10), got 5", err.message)
    err = cat.error({ type = "gauge", data = { values = { { v = 1 } } }, encoding = ENC,
      options = { max = 100, bands = { 50, 20 } } })
    assert.equal("invalid_spec", err.code)
    assert.truthy(err.message:find("options.bands[1]", 1, true))
    err = cat.error({ type = "gauge", data = { values = { { v = 1 } } }, encoding = ENC, options = { bands = 5 } })
    assert.equal("options.bands: must be an array, got 5", err.message)
  end)

  it("names a missing encoding", function()
    local err = cat.error({ type = "gauge", data = { values = { { v = 1 } } }, encoding = {} })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.theta:", 1, true))
  end)

  it("sums 100,000 rows", function()
    local rows = cat.rows(100000, function() return { v = 1 } end)
    local _, r = cat.render({ type = "gauge", data = { values = rows }, encoding = ENC })
    assert.truthy(r.alt:find("100,000", 1, true))
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws the needle and the value bar (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local raw = { type = "gauge", data = { values = { { v = 75 } } }, encoding = ENC, theme = theme_name,
        options = { min = 0, max = 100 }, width = 600, height = 400 }
      local img = cat.render(raw)
      local l = cat.layout(gauge, cat.spec("gauge", { { v = 75 } }, ENC, { min = 0, max = 100 },
        { theme = theme_name }))
      local a, d = l.needle, l.r * 0.5
      assert.equal(theme.foreground, img:hex(l.cx + d * math.cos(a), l.cy + d * math.sin(a)))
      -- The value bar at 45° (value 25), mid-track.
      local rm = l.r - l.track / 2
      assert.equal(theme.palette[1], img:hex(l.cx + rm * math.cos(1.25 * math.pi),
        l.cy + rm * math.sin(1.25 * math.pi)))
      -- Past the value the track is the grid colour.
      assert.equal(theme.grid, img:hex(l.cx + rm * math.cos(1.95 * math.pi), l.cy + rm * math.sin(1.95 * math.pi)))
    end)
  end
end)
