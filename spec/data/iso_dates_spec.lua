-- columns.iso_dates (src/iso_date.c) is only a faster road to what data.frame's parse_date
-- answers for ISO 8601 text: for thousands of generated date texts, valid and broken, every
-- one it accepts has parse_date's time (same number, same integer/float kind) and grain, and
-- a frame built from a column is the same with and without it.
local frame = require "data.frame"
local iso_dates = require("chartd.columns").iso_dates

local function lcg(seed)
  local rnd = require("charts.shared.sample_rng").lcg(seed)
  return function(list) return list[math.floor(rnd() * #list) + 1] end
end

-- Each part mostly valid, sometimes just out of range or malformed.
local YEARS = { "2024", "1999", "2000", "1900", "0001", "9999", "2023", "202", "20240" }
local MONTHS = { "01", "02", "06", "12", "00", "13", "1", "" }
local DAYS = { "01", "15", "28", "29", "30", "31", "00", "32", "5" }
local SEPS = { "T", " ", "t", "", "  " }
local HOURS = { "00", "09", "23", "24", "7" }
local MINUTES = { "00", "30", "59", "60" }
local SECONDS = { "", ":00", ":05", ":59", ":60", ":61", ":5", ":0512" }
local FRACS = { "", "", ".5", ".250", ".000", ".123456789", ".", "..5" }
local ZONES = { "", "", "Z", "z", "+01:00", "-05:30", "+0100", "-0000", "+1", "GMT", " Z", "+01:0", "+01:000" }
local AROUND = { "", "", "", " ", "\t" }

local function random_date(pick)
  local s = pick(YEARS) .. "-" .. pick(MONTHS)
  local form = pick({ 1, 2, 2, 3, 3, 3 })
  if form >= 2 then s = s .. "-" .. pick(DAYS) end
  if form == 3 then
    s = s .. pick(SEPS) .. pick(HOURS) .. ":" .. pick(MINUTES) .. pick(SECONDS) .. pick(FRACS) .. pick(ZONES)
  end
  return pick(AROUND) .. s .. pick(AROUND)
end

describe("columns.iso_dates", function()
  it("accepts only what parse_date reads the same way, and most well-formed texts", function()
    local pick, accepted, readable = lcg(20261205), 0, 0
    for _ = 1, 20000 do
      local s = random_date(pick)
      local t, grain = iso_dates({ s }, 1)
      -- what the Lua reads without spaces around it is what the C should take too
      if s:match("^%S.*%S$") and frame.parse_date(s) then readable = readable + 1 end
      if t then
        accepted = accepted + 1
        local lt, lg = frame.parse_date(s)
        assert.is_not_nil(lt, s)
        assert.equal(lt, t[1], s)
        assert.equal(math.type(lt), math.type(t[1]), s)
        assert.equal(lg, grain, s)
      end
    end
    assert.is_true(accepted > 500 and accepted >= readable * 0.95, accepted .. " of " .. readable)
  end)

  it("reads the common forms, and says nil for a column with anything else or nothing", function()
    local t, grain = iso_dates({ "2024-01-15T10:30:00Z", nil, "2024-01-15 10:30:05.5+01:00", "2024-02" }, 4)
    assert.same({ 1705314600, nil, 1705311005.5, 1706745600 }, t)
    assert.equal("datetime", grain)
    assert.equal("day", select(2, iso_dates({ "2024-02-29", "2024-03" }, 2)))
    assert.is_nil(iso_dates({ "2024-01-15", "Jan 16 2024" }, 2))
    assert.is_nil(iso_dates({ "2024-01-15", 7 }, 2))
    assert.is_nil(iso_dates({ "2023-02-29" }, 1))
    assert.is_nil(iso_dates({ nil, nil }, 2))
  end)

  it("builds the same frame as the Lua parser, ISO columns or mixed", function()
    local pick = lcg(17)
    for round = 1, 40 do
      local lines = { "when,v" }
      for i = 1, 50 do
        local s = random_date(pick)
        if round % 2 == 0 then s = s:match("^%s*(.-)%s*$") end -- rounds where most are clean
        if round % 4 == 0 then s = ("2024-%02d-%02dT%02d:00:00Z"):format(1 + i % 12, 1 + i % 28, i % 24) end
        if round % 8 == 0 and i == 50 then s = "Mar 3 2024" end -- one value only Lua reads
        lines[#lines + 1] = ('"%s",%d'):format(s, i)
      end
      local text = table.concat(lines, "\n")
      local fast = assert(frame.from_data(text))
      local saved = frame.native_dates
      frame.native_dates = nil
      local slow = assert(frame.from_data(text))
      frame.native_dates = saved
      assert.equal(slow.types.when, fast.types.when, text)
      assert.equal(slow.grain.when, fast.grain.when, text)
      for i = 1, slow.nrows do
        assert.equal(slow.columns.when[i], fast.columns.when[i], text)
        assert.equal(math.type(slow.columns.when[i]), math.type(fast.columns.when[i]), text)
      end
    end
  end)
end)
