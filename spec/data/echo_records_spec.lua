-- records.of_columns (src/lua_records.c) is only a faster road to what data.frame's to_records
-- builds for a reply's echo: for generated frames — numbers, texts, holes, temporal columns at
-- every grain over times from before year 0 to past year 9999, fractions, day edges — and for
-- frames read from CSV text (lazy columns past 10,000 rows), the records are the same with and
-- without it: same keys, same values, integers still integers, dates written the same.
local frame = require "data.frame"

local native = frame.native_echo

local function lcg(seed)
  local rnd = require("charts.shared.sample_rng").lcg(seed)
  return function(n) return math.floor(rnd() * n) + 1 end
end

-- to_records(df) with the Lua loop alone, whatever it raises.
local function lua_only(df)
  frame.native_echo = nil
  local ok, out = pcall(frame.to_records, df)
  frame.native_echo = native
  return ok, out
end

-- A value written so an integer and a float, and text, read apart.
local function show(v)
  if type(v) == "number" then return math.type(v) .. ":" .. string.format("%.17g", v) end
  return type(v) .. ":" .. tostring(v)
end

local function same_records(a, b)
  assert.equal(#a, #b)
  assert.equal(getmetatable(a), getmetatable(b)) -- both json.array
  for i = 1, #a do
    local ka, kb = {}, {}
    for k, v in pairs(a[i]) do ka[#ka + 1] = k .. "=" .. show(v) end
    for k, v in pairs(b[i]) do kb[#kb + 1] = k .. "=" .. show(v) end
    table.sort(ka)
    table.sort(kb)
    assert.same(kb, ka, "row " .. i)
  end
end

-- Epoch seconds around interesting places: whole days and minutes, the ends of days, leap days,
-- far years on both sides (year 0 and before, past 9999), fractions, and the ±1e13 bound.
local function random_time(pick)
  local day = ({
    function() return pick(40000) - 20000 end,               -- 1915..2024 and around
    function() return -719528 + pick(800) - 400 end,          -- year 0, before and after
    function() return 2932897 + pick(800) - 400 end,          -- around year 10000
    function() return pick(200000000) - 100000000 end,        -- ±270,000 years
    function() return 11016 + pick(3) - 2 end,                -- 2000-02-29 ± 1
  })[pick(5)]()
  local sec = ({ 0, 0, 86399, 3600 * pick(24) - 1, pick(86400) - 1, 60 * pick(1440) })[pick(6)]
  local t = day * 86400 + sec
  local form = pick(8)
  if form == 1 then return t + pick(999) / 1000 end          -- a fraction
  if form == 2 then return t - pick(999) / 1000 end          -- just before the whole second
  if form == 3 then return t + 0.0 end                       -- whole, but a float
  if form == 4 then return ({ 1e13, -1e13, 1e13 + 1, -1e13 - 86400, 0.0, -0.0 })[pick(6)] end
  return t
end

local GRAINS = { "year", "quarter", "month", "day", "datetime", "hour", "week" }

local function random_frame(pick, nrows)
  local df = { names = {}, columns = {}, types = {}, grain = {}, nrows = nrows }
  for j = 1, pick(4) do
    local name = ({ "t", "value", "région", "a b", "x" .. j })[pick(5)] .. j
    local col, kind = {}, pick(4)
    for i = 1, nrows do
      if pick(8) > 1 then -- one cell in eight missing
        if kind == 1 then col[i] = random_time(pick)
        elseif kind == 2 then col[i] = pick(2000) - 1000
        elseif kind == 3 then col[i] = (pick(200000) - 100000) / 64
        else col[i] = ({ "EU", "US", "", "2024-01-02", "0" })[pick(5)] end
      end
    end
    df.names[j], df.columns[name] = name, col
    df.types[name] = kind == 1 and "temporal" or kind == 4 and "nominal" or "quantitative"
    if kind == 1 and pick(4) > 1 then df.grain[name] = GRAINS[pick(#GRAINS)] end
  end
  return df
end

describe("records.of_columns (a reply's echo of the data)", function()
  it("is loaded", function()
    assert.is_function(native)
  end)

  it("builds the Lua loop's records for generated frames of every kind of column", function()
    for seed = 1, 300 do
      local pick = lcg(seed)
      local df = random_frame(pick, pick(40) - 1)
      local ok, want = lua_only(df)
      assert.is_true(ok, tostring(want))
      same_records(frame.to_records(df), want)
    end
  end)

  it("writes dates as format_date does at every grain, one time at a time", function()
    local pick = lcg(7)
    for _ = 1, 3000 do
      local t = random_time(pick)
      local grain = GRAINS[pick(#GRAINS)]
      local df = { names = { "d" }, columns = { d = { t } }, types = { d = "temporal" }, grain = { d = grain },
        nrows = 1 }
      local ok, want = lua_only(df)
      local got_ok, got = pcall(frame.to_records, df)
      assert.equal(ok, got_ok)
      if ok then assert.equal(want[1].d, got[1].d, ("%.17g at %s"):format(t, grain)) end
    end
  end)

  it("leaves to the Lua code a date cell it does not write: text, NaN, infinity, too far", function()
    for _, bad in ipairs({ "86400", "x", 0 / 0, 1 / 0, -1 / 0, 1e300, 2 ^ 63 }) do
      local df = { names = { "d", "v" }, columns = { d = { 0, bad, 86400 }, v = { 1, 2, 3 } },
        types = { d = "temporal", v = "quantitative" }, grain = { d = "day" }, nrows = 3 }
      assert.is_nil(native({ df.columns.d, df.columns.v }, df.names, { "day", false }, 3))
      local ok, want = lua_only(df)
      local got_ok, got = pcall(frame.to_records, df)
      assert.equal(ok, got_ok)
      if ok then same_records(got, want) else assert.equal(want, got) end
    end
  end)

  it("reads frames parsed from CSV text the same way, lazy columns included", function()
    for _, n in ipairs({ 3, 9999, 10001, 12000 }) do
      local pick = lcg(n)
      local lines = { "when,count,share,label" }
      for _ = 1, n do
        lines[#lines + 1] = ("2023-%02d-%02dT%02d:%02d:00,%d,%.3f,%s"):format(pick(12), pick(28), pick(24) - 1,
          pick(60) - 1, pick(100000), pick(10000) / 7, ({ "a", "b", "" })[pick(3)])
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      assert.equal("temporal", df.types.when)
      local ok, want = lua_only(df)
      assert.is_true(ok, tostring(want))
      same_records(frame.to_records(df), want)
    end
  end)
end)
