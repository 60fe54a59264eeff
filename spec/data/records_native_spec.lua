-- chartd.records (src/lua_records.c) is only a faster road to what data.frame's Lua code
-- builds: for thousands of random record arrays, plain and hostile, the frame (or the
-- error) is the same with and without it.
local frame = require "data.frame"
local json = require "util.json"

local native = frame.native_records
local native_rows = frame.native_rows

local function lcg(seed)
  return function(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n + 1
  end
end

local KEYS = { "a", "b", "month", "Revenue", "é", "b\0x", "" }
local function value(pick)
  local v = ({
    function() return pick(1000) - 500 end,
    function() return (pick(100000) - 50000) / 7 end,
    function() return ({ "EU", "US", "APAC", "x y" })[pick(4)] end,
    function() return ({ "2024-01", "2024-02-15", "12", "1e3" })[pick(4)] end,
    function() return ({ "", "NA", "null", "N/A" })[pick(4)] end,
    function() return pick(2) == 1 end,
    function() return json.null end,
    function() return 0 / 0 end,
    function() return 1 / 0 end,
    function() return { 1 } end,
    function() return string.rep("w", frame.MAX_STRING + pick(3) - 2) end,
  })
  return function(plain)
    return v[plain and pick(4) or pick(#v)]()
  end
end

-- mode 1: plain (numbers and ordinary text); 2: mostly plain (one cell in eight anything);
-- 3: anything, including records that are not objects.
local function records(pick, mode)
  local make, rows = value(pick), json.array()
  local plain = mode < 3
  local n = pick(40)
  for i = 1, n do
    local rec = {}
    for _ = 1, pick(4) do rec[KEYS[pick(plain and 4 or #KEYS)]] = make(mode == 1 or (mode == 2 and pick(8) > 1)) end
    if not plain and pick(30) == 1 then rec = pick(2) == 1 and json.array({ 1, 2 }) or {} end
    if not plain and pick(40) == 1 then rec[7] = 1 end
    rows[i] = rec
  end
  return rows
end

-- What from_data returns, comparable with assert.same (NaN-free by construction of the checks).
local function outcome(values, use_native)
  frame.native_records = use_native and native or nil
  local df, err = frame.from_data({ values = values }, "data")
  frame.native_records = native
  if not df then return { error = err } end
  return { names = df.names, types = df.types, grain = df.grain, columns = df.columns, nrows = df.nrows,
    as_sent = df.records == values }
end

describe("chartd.records", function()
  it("is loaded by data.frame", function()
    assert.is_function(native)
  end)

  it("builds plain records' columns and declines everything else", function()
    local names, cols, numeric, text = native({ { a = 1, b = "x" }, { b = "y", c = 2.5 } }, 200, 100)
    assert.same({ "a", "b", "c" }, names)
    assert.same({ a = { 1 }, b = { "x", "y" }, c = { nil, 2.5 } }, cols)
    assert.same({ a = true, b = false, c = true }, numeric)
    assert.same({ a = false, b = true, c = false }, text)
    -- text: strings only (a missing key is no value); one number among them and it is not
    _, _, numeric, text = native({ { a = "x" }, { b = 1 }, { a = "y", b = "z" } }, 200, 100)
    assert.same({ a = false, b = false }, numeric)
    assert.same({ a = true, b = false }, text)
    assert.is_nil(native({ { a = true } }, 200, 100))
    assert.is_nil(native({ { a = "NA" } }, 200, 100))
    assert.is_nil(native({ {} }, 200, 100))
    assert.is_nil(native({ { 1, 2 } }, 200, 100))
    assert.is_nil(native({ { a = 1, b = 2, c = 3 } }, 2, 100))
    assert.is_nil(native({ { a = "long" } }, 200, 3))
  end)

  it("gives data.frame the same frames and errors as its Lua code", function()
    local pick = lcg(20241203)
    local took_native = 0
    for round = 1, 3000 do
      local values = records(pick, round % 3 + 1)
      if native(values, frame.MAX_COLUMNS, frame.MAX_STRING) then took_native = took_native + 1 end
      local fast, slow = outcome(values, true), outcome(values, false)
      assert.same(slow, fast, "round " .. round)
    end
    -- both roads were exercised: every plain array natively, most others not
    assert.is_true(took_native >= 1000 and took_native < 1500, "arrays taken natively: " .. took_native)
  end)
end)

describe("chartd.records over many columns", function()
  -- Records of up to 14 columns (more than the 8 whose slots it keeps), keys in any order per
  -- record, some past 40 bytes (Lua does not intern those: equal keys, different strings),
  -- text arriving in a column after numbers or first: the same frames as the Lua code.
  it("gives data.frame the same frames whatever the keys' number, length and order", function()
    local pick = lcg(61206)
    local long = string.rep("a long column name, longer than forty bytes ", 2)
    for round = 1, 400 do
      local ncols = pick(14)
      local keys = {}
      for j = 1, ncols do
        keys[j] = pick(3) == 1 and (long .. j) or ("c" .. j)
      end
      local values = json.array()
      for i = 1, pick(30) do
        local rec = {}
        for _ = 1, pick(ncols) do
          local j = pick(ncols)
          local key = keys[j]
          if #key > 40 then key = (long .. j):sub(1) end -- a fresh copy of the long key
          rec[key] = pick(4) == 1 and ({ "x", "EU", "2024-01" })[pick(3)] or pick(1000) / 8
        end
        values[i] = rec
      end
      assert.is_not_nil(native(values, frame.MAX_COLUMNS, frame.MAX_STRING), "round " .. round)
      assert.same(outcome(values, false), outcome(values, true), "round " .. round)
    end
  end)
end)

describe("chartd.records' number columns", function()
  -- A column of numbers only gets its doubles beside it (numcol.h), read by chartd.columns'
  -- passes instead of the array: every answer is the one a plain copy of the array gives.
  local columns = require "chartd.columns"
  local function same_numbers(want, got)
    assert.equal(#want, #got)
    for i = 1, #want do
      if want[i] ~= want[i] then assert.is_true(got[i] ~= got[i]) else assert.equal(want[i], got[i]) end
    end
  end
  it("answers chartd.columns as the plain arrays do", function()
    local pick = lcg(5309)
    local odd = { 2 ^ 53 + 1, -(2 ^ 53) - 1, math.maxinteger, -0.0, 1e308, -1e-308, 0.1 }
    for trial = 1, 200 do
      local n = pick(trial < 180 and 40 or 3000)
      local values = json.array()
      for i = 1, n do
        local rec = { s = "k" .. pick(5) } -- a text column beside, which keeps no doubles
        if pick(6) > 1 then rec.x = pick(3) == 1 and pick(1000) - 500 or (pick(100000) - 50000) / 7 end
        if pick(9) > 1 then rec.y = pick(40) == 1 and odd[pick(#odd)] or pick(2000) / 3 end
        values[i] = rec
      end
      local names, cols, numeric = native(values, frame.MAX_COLUMNS, frame.MAX_STRING)
      assert.is_not_nil(names, "trial " .. trial)
      local x, y = cols.x or {}, cols.y or {}
      if numeric.x and numeric.y then
        local x2, y2 = table.move(x, 1, n, 1, {}), table.move(y, 1, n, 1, {})
        assert.same({ columns.scan(x2, n) }, { columns.scan(x, n) })
        assert.same({ columns.scan(y2, n - 1) }, { columns.scan(y, n - 1) })
        assert.same(columns.flat(y2, n), columns.flat(y, n))
        assert.same(columns.affine(x2, n, 3, -2), columns.affine(x, n, 3, -2))
        same_numbers({ columns.moments(x2, y2, n) }, { columns.moments(x, y, n) })
        assert.same(columns.bin_counts(y2, n, 0, 100, { 0, 100, 200, 300, 400, 500, 600, 700 }),
          columns.bin_counts(y, n, 0, 100, { 0, 100, 200, 300, 400, 500, 600, 700 }))
        for _, gaps in ipairs({ true, false }) do
          assert.same({ columns.group(x2, y2, nil, n, "sum", gaps) }, { columns.group(x, y, nil, n, "sum", gaps) })
        end
        assert.same({ columns.decimals_apart({ y2 }, n, 6) }, { columns.decimals_apart({ y }, n, 6) })
      end
    end
  end)
end)

describe("records.rows", function()
  -- {columns, rows} data: rows of random width (sometimes longer than the header), cells of
  -- every kind value() makes, the odd row that is not an array.
  local function rows_data(pick, mode)
    local ncols = pick(4)
    local columns = json.array()
    for j = 1, ncols do columns[j] = "c" .. j end
    local make, rows = value(pick), json.array()
    for i = 1, pick(40) do
      local row = json.array()
      local width = mode == 3 and pick(ncols + 2) - 1 or ncols
      for j = 1, width do row[j] = make(mode == 1 or (mode == 2 and pick(8) > 1)) end
      if mode == 3 and pick(30) == 1 then row = pick(2) == 1 and "x" or { a = 1 } end
      rows[i] = row
    end
    return { columns = columns, rows = rows }
  end

  local function outcome_rows(data, use_native)
    frame.native_rows = use_native and native_rows or nil
    local df, err = frame.from_data(data, "data")
    frame.native_rows = native_rows
    if not df then return { error = err } end
    return { names = df.names, types = df.types, grain = df.grain, columns = df.columns, nrows = df.nrows }
  end

  it("gives data.frame the same frames and errors as its Lua code", function()
    local pick = lcg(20261206)
    local took_native = 0
    for round = 1, 3000 do
      local data = rows_data(pick, round % 3 + 1)
      if native_rows(data.rows, #data.columns, frame.MAX_STRING) then took_native = took_native + 1 end
      local fast, slow = outcome_rows(data, true), outcome_rows(data, false)
      assert.same(slow, fast, "round " .. round)
    end
    assert.is_true(took_native >= 1000 and took_native < 2500, "taken natively: " .. took_native)
  end)
end)
