local frame = require "data.frame"
local timeunit = require "data.timeunit"

describe("data.timeunit", function()
  -- Expected instants are vega-time's timeFloor in UTC (node: TZ=UTC, vega-time 2.x).
  local cases = {
    { "2015-07-23T13:45:10Z", "month", "2012-07-01T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "date", "2012-01-23T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "day", "2012-01-05T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "week", "2012-07-15T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "yearweek", "2015-07-19T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "monthdate", "2012-07-23T00:00:00Z" },
    { "2015-07-23T13:45:10Z", "dayhours", "2012-01-05T13:00:00Z" },
    { "2016-01-02T00:00:00Z", "yearweekday", "2016-01-02T00:00:00Z" },
    { "2014-12-31T10:00:00Z", "dayofyear", "2012-12-30T00:00:00Z" },
    { "2014-12-31T10:00:00Z", "yearquarter", "2014-10-01T00:00:00Z" },
  }
  it("floors as Vega does", function()
    for _, c in ipairs(cases) do
      local t = frame.parse_date(c[1])
      assert.equal(c[3], frame.format_date(timeunit.floor(t, c[2]), "datetime"), c[2])
      assert.equal(c[3], frame.format_date(timeunit.floor(t, "utc" .. c[2]), "datetime"), "utc" .. c[2])
    end
  end)

  it("reads every documented name and refuses mixtures and unknown words", function()
    for _, n in ipairs(timeunit.NAMES) do assert.is_true(timeunit.valid(n), n) end
    for _, n in ipairs({ "monthday", "weekdate", "fortnight", "", "yearyear" }) do
      assert.is_false(timeunit.valid(n), n)
    end
  end)

  it("labels a unit by what it means", function()
    local t = frame.parse_date("2015-07-23T13:45:10Z")
    assert.equal("Jul", timeunit.label(timeunit.floor(t, "month"), "month"))
    assert.equal("Thu", timeunit.label(timeunit.floor(t, "day"), "day"))
    assert.equal("Jul 2015", timeunit.label(timeunit.floor(t, "yearmonth"), "yearmonth"))
    assert.equal("yearmonth", timeunit.PERIOD.month)
  end)
end)
