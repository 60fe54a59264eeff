-- columns.iso_dates (src/iso_date.c) is only a faster road to what data.frame's parse_date
-- answers for ISO 8601 text: for thousands of generated date texts, valid and broken, every
-- one it accepts has parse_date's time (same number, same integer/float kind) and grain, and
-- a frame built from a column is the same with and without it. The CSV scan (csv.columns)
-- reads date columns the same way: frames, texts and charts equal to the Lua code's.
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

-- fn() with the Lua code alone (no C CSV scan, no C date columns), whatever it raises.
local function lua_only(fn)
  local saved, saved_csv = frame.native_dates, frame.native_csv
  frame.native_dates, frame.native_csv = nil, nil
  local ok, out = pcall(fn)
  frame.native_dates, frame.native_csv = saved, saved_csv
  return assert(ok and out, out)
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
      local slow = lua_only(function() return assert(frame.from_data(text)) end)
      assert.equal(slow.types.when, fast.types.when, text)
      assert.equal(slow.grain.when, fast.grain.when, text)
      for i = 1, slow.nrows do
        assert.equal(slow.columns.when[i], fast.columns.when[i], text)
        assert.equal(math.type(slow.columns.when[i]), math.type(fast.columns.when[i]), text)
      end
    end
  end)

  local function lua_frame(text)
    return lua_only(function()
      local df, err = frame.from_data(text)
      return assert(df, err and err.message)
    end)
  end

  -- A CSV of a date column `when` (one ISO shape a round, or several; holes; a malformed or
  -- numeric cell now and then, which makes the column the Lua code's) beside numbers.
  local SHAPES = {
    function(i) return ("%04d-%02d"):format(1990 + i // 12 % 60, 1 + i % 12) end,
    function(i) return ("%04d-%02d-%02d"):format(2000 + i % 30, 1 + i % 12, 1 + i % 28) end,
    function(i) return ("2024-01-01T%02d:%02d:%02d"):format(i // 3600 % 24, i // 60 % 60, i % 60) end,
    function(i) return ("2024-03-%02d %02d:%02dZ"):format(1 + i % 28, i % 24, i % 60) end,
    function(i)
      return ("2024-06-%02dT%02d:%02d:%02d.%03d+05:30"):format(1 + i % 30, i % 24, i % 60, i % 60, i % 1000)
    end,
    function(i) return ("2023-12-31T23:%02d:%02d-0800"):format(i % 60, i % 60) end,
  }
  local ONE_TO_20, ONE_TO_50 = {}, {}
  for i = 1, 50 do ONE_TO_50[i] = i; ONE_TO_20[i] = i <= 20 and i or nil end

  local function date_csv(pick, rows, round)
    local shapes = round % 3 == 0 and SHAPES or { SHAPES[round % #SHAPES + 1] }
    local lines = { "when,v" }
    for i = 1, rows do
      local s = pick(shapes)(i)
      local r = pick(ONE_TO_20)
      if r == 1 then s = pick({ "", "NA", "null" })
      elseif r == 2 and round % 4 == 1 then s = '"' .. s .. '"'
      elseif r == 3 and round % 5 == 2 and i == rows // 2 then
        s = pick({ "2024-02-30", "Jan 5 2024", "12", " 2024-01-05" })
      elseif r == 4 and round % 6 == 3 then s = random_date(pick) end
      lines[#lines + 1] = s .. "," .. i
    end
    return table.concat(lines, round % 7 == 0 and "\r\n" or "\n")
  end

  local function same_frames(text, label)
    local fast, slow = assert(frame.from_data(text)), lua_frame(text)
    assert.same(slow.types, fast.types, label)
    assert.same(slow.grain, fast.grain, label)
    for _, name in ipairs(slow.names) do
      local a, b = slow.columns[name], fast.columns[name]
      -- (a numeric column's source is its numbers from C, its texts from Lua: columns compare)
      local sa = slow.types[name] ~= "quantitative" and slow.source[name] or {}
      local sb = slow.types[name] ~= "quantitative" and fast.source[name] or {}
      for i = 1, slow.nrows do
        if a[i] ~= b[i] or math.type(a[i]) ~= math.type(b[i]) or sa[i] ~= sb[i] then
          error(("%s: row %d of %s: %s/%s (%s) vs %s/%s (%s)"):format(label, i, name, tostring(a[i]),
            tostring(sa[i]), math.type(a[i]), tostring(b[i]), tostring(sb[i]), math.type(b[i])))
        end
      end
    end
    return fast
  end

  it("are read in the CSV scan as the Lua code reads them", function()
    local pick, native = lcg(20261206), 0
    for round = 1, 120 do
      local text = date_csv(pick, 1 + round * 3, round)
      local df = same_frames(text, "round " .. round)
      if df.types.when == "temporal" and select(5, frame.native_csv(text, 1e6, 10, 1e4)).when then
        native = native + 1
      end
    end
    assert.is_true(native >= 50, "date columns read by the CSV scan: " .. native)
  end)

  -- A CSV of dates and usual numbers only is read in one loop (lua_csv.c's simple_rows, the
  -- column's kind set by its first row); any one unusual cell hands the text to the general scan.
  it("are read as the Lua code reads them when every cell is a date or a number, or all but one", function()
    local pick = lcg(2026)
    local UNUSUAL = { "", "NA", "12", "2024-02-30", "2024-13-01", " 2024-01-05", "2024-01-05 ", '"2024-01-05"',
      "Jan 5 2024", "2024-01-05T25:00", "2024-01-05T10:00:00.", "x" }
    for round = 1, 150 do
      local shape = pick(SHAPES)
      local rows = round % 30 == 0 and 10000 + pick(ONE_TO_50) or pick(ONE_TO_50)
      local lines = { "when,v,w" }
      for i = 1, rows do lines[i + 1] = shape(i) .. "," .. i .. "," .. (i % 7) * 0.25 end
      local at = pick(ONE_TO_50) % rows + 2
      local change = pick(ONE_TO_20)
      if change <= 4 then -- an unusual cell in the date column
        lines[at] = pick(UNUSUAL) .. lines[at]:match("^[^,]*(,.*)$")
      elseif change <= 6 then -- a date in a number column
        lines[at] = lines[at]:match("^([^,]*,)") .. shape(at) .. "," .. "1"
      end
      local text = table.concat(lines, pick({ "\n", "\r\n" })) .. pick({ "", "\n" })
      same_frames(text, "round " .. round .. ": " .. text:sub(1, 200))
    end
  end)

  -- The one loop reads a date cell at the last date's length when it ends there (lua_csv.c); dates
  -- of every length in one column, numbers whose separators fall where a longer date would end,
  -- and one unusual cell now and then must still read as the Lua code reads them.
  it("are read as the Lua code reads them when a column's dates change length row by row", function()
    local pick = lcg(1206)
    for round = 1, 80 do
      local last = round % 2 == 0 -- the dates in the last column, or the first
      local lines = { last and "v,when" or "when,v" }
      local function row(date, v) return last and v .. "," .. date or date .. "," .. v end
      for i = 1, 20 + pick(ONE_TO_50) do
        local date = pick(SHAPES)(i + pick(ONE_TO_50))
        local v = ("9"):rep(pick(ONE_TO_20) % 15 + 1) -- a separator anywhere in the next 20 bytes
        lines[#lines + 1] = row(date, v)
      end
      if round % 3 == 0 then
        local at = pick(ONE_TO_20) % (#lines - 1) + 2
        local unusual = pick({ "2024-02-30", "2024-01-05T10:00:00.", "2024-01-0", "2024-01-05T10:00:00Z1", "" })
        lines[at] = row(unusual, "7")
      end
      local text = table.concat(lines, pick({ "\n", "\r\n" })) .. pick({ "", "\n" })
      same_frames(text, "round " .. round .. ": " .. text:sub(1, 200))
    end
  end)

  -- Texts at every size (the chart and the echo read the times); times past 10,000 rows.
  it("keep a date column's texts in C until read (and past 10,000 rows its times), read as the Lua code's", function()
    local pick, lazy, small = lcg(606), 0, 0
    for round = 1, 16 do
      local rows = round <= 8 and 10001 + pick({ 0, 7, 300 }) or pick({ 1, 2, 3, 40, 999, 9999, 10000 })
      local text = date_csv(pick, rows, round)
      local df = assert(frame.from_data(text))
      if getmetatable(df.columns.when) and getmetatable(df.source.when) then lazy = lazy + 1 end
      if rows <= 10000 and getmetatable(df.source.when) then small = small + 1 end
      same_frames(text, "round " .. round)
      -- iterated, measured and written to as the plain arrays are
      local fresh, slow = assert(frame.from_data(text)), lua_frame(text)
      if fresh.types.when == "temporal" then
        local n = 0
        for i, v in ipairs(fresh.source.when) do n = i; assert.equal(slow.source.when[i], v) end
        local want = 0
        while slow.source.when[want + 1] ~= nil do want = want + 1 end
        assert.equal(want, n)
        local keys = 0
        for k, v in pairs(assert(frame.from_data(text)).source.when) do
          keys = keys + 1
          assert.equal(slow.source.when[k], v)
        end
        local present = 0
        for i = 1, slow.nrows do if slow.source.when[i] ~= nil then present = present + 1 end end
        assert.equal(present, keys)
        local w = assert(frame.from_data(text)).source.when
        w[3] = "x"
        assert.equal("x", w[3])
        assert.equal(slow.source.when[4], w[4])
      end
    end
    assert.is_true(lazy >= 4, "date columns kept in C: " .. lazy)
    assert.is_true(small >= 4, "small date columns' texts kept in C: " .. small)
  end)

  it("past 10,000 rows make no Lua string a cell", function()
    local lines = { "when,v" }
    for i = 1, 50000 do
      lines[#lines + 1] = ("2024-01-01T%02d:%02d:%02d,%d"):format(i // 3600 % 24, i // 60 % 60, i % 60, i)
    end
    local text = table.concat(lines, "\n")
    collectgarbage()
    local before = collectgarbage("count")
    local df = assert(frame.from_data(text))
    collectgarbage() -- what the frame holds, not the scan's garbage
    local grew = (collectgarbage("count") - before) * 1024 / 50000
    assert.equal("temporal", df.types.when)
    -- 8 bytes a row for a time, 8 for a text's place, 8 for v; a Lua string a cell is 40 more
    assert.is_true(grew < 32, ("%.1f bytes a row"):format(grew))
    assert.equal("2024-01-01T00:00:01", df.source.when[1])
  end)

  it("draw the charts the Lua code draws, byte for byte", function()
    local pipeline = require "pipeline"
    local pick = lcg(99)
    local lines, y = { "t,y" }, 0
    for i = 1, 15000 do
      y = y + pick({ -3, -1, 0, 1, 2, 4 }) + pick({ 0, 0.25, 0.5 })
      lines[#lines + 1] = ("2024-01-%02dT%02d:%02d:00Z,%s"):format(1 + i // 1440, i // 60 % 24, i % 60,
        pick(ONE_TO_50) == 1 and "" or tostring(y))
    end
    local text = table.concat(lines, "\n")
    for _, kind in ipairs({ "line", "area", "scatter" }) do
      local function render()
        local out, err = pipeline.render({ type = kind, width = 640, height = 400, format = "png", data = text,
          encoding = { x = { field = "t", type = "temporal" }, y = { field = "y", type = "quantitative" } } })
        return assert(out, err and err.message).bytes
      end
      local fast, slow = render(), lua_only(render)
      assert.is_true(fast == slow, kind .. ": the PNGs differ")
    end
  end)
end)
