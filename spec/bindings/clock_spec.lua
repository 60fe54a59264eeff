-- Specs for chartd.clock (src/lua_clock.c): monotonic milliseconds, ISO-8601 UTC timestamps.
local clock = require "chartd.clock"

describe("chartd.clock", function()
  it("now_ms is monotonic milliseconds with sub-ms resolution", function()
    local a = clock.now_ms()
    local t0 = os.clock()
    while os.clock() - t0 < 0.02 do end -- busy ~20 ms of CPU
    local b = clock.now_ms()
    assert.is_number(a)
    assert.is_true(b - a >= 19 and b - a < 2000)
    assert.is_true(math.type(a) == "float")
  end)

  it("iso8601 is UTC with milliseconds and matches os.time", function()
    local s = clock.iso8601()
    local y, mo, d, h, mi, sec, ms = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.(%d%d%d)Z$")
    assert.is_truthy(y, s)
    local t = os.time { year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h),
      min = tonumber(mi), sec = tonumber(sec) }
    local utc_now = os.time(os.date("!*t"))
    assert.is_true(math.abs(t - utc_now) <= 2)
    assert.is_true(tonumber(ms) >= 0 and tonumber(ms) <= 999)
  end)
end)
