-- csv.columns (src/lua_csv.c) is only a faster road to what data.frame's Lua code builds from
-- CSV text: for thousands of random CSV texts, plain and hostile, the frame (or the error) is
-- the same with and without it.
local frame = require "data.frame"
local csv = require "chartd.csv"

local native = frame.native_csv

-- pick(n): 1..n, from the samples' LCG.
local function lcg(seed)
  local rnd = require("charts.shared.sample_rng").lcg(seed)
  return function(n) return math.floor(rnd() * n) + 1 end
end

local NUMBERS = { "12", "-3.5", ".5", "5.", "1e3", "+7", " 42 ", "\t8", "0", "-0", "007", "1E-2", "3.25e+2",
  "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234" }
local NOT_NUMBERS = { "0x10", "1,234", "inf", "nan", "1e999", "-", ".", "e5", "1e", "1.2.3", "12abc", "٣" }
local TEXT = { "EU", "x y", "é", '"quoted, with comma"', '"two\nlines"', '"say ""hi"""', "2024-01", "2024-02-15",
  "2024-03-01T10:00:00Z", "Q1" }
local MISSING = { "", "NA", "null" }
local NAMES = { "a", "b", "month", "Revenue", "é", "a b", '"q,n"' }

-- A random decimal: sign, up to 20 digits each side of the point, an exponent sometimes.
local function random_number(pick)
  local function digits(n)
    local t = {}
    for k = 1, n do t[k] = tostring(pick(10) - 1) end
    return table.concat(t)
  end
  local out = ({ "", "-", "+" })[pick(3)] .. digits(pick(21) - 1)
  if pick(2) == 1 then out = out .. "." .. digits(pick(21) - 1) end
  if pick(4) == 1 then out = out .. ({ "e", "E" })[pick(2)] .. ({ "", "-", "+" })[pick(3)] .. tostring(pick(40) - 1) end
  return out
end

local function cell(pick, kind)
  if kind == 1 then return pick(2) == 1 and NUMBERS[pick(#NUMBERS)] or random_number(pick) end
  if kind == 2 then return NOT_NUMBERS[pick(#NOT_NUMBERS)] end
  if kind == 3 then return TEXT[pick(#TEXT)] end
  if kind == 4 then return MISSING[pick(#MISSING)] end
  return string.rep("w", frame.MAX_STRING + pick(3) - 2)
end

-- mode 1: every column of one kind (numbers, or text); 2: mixed columns; 3: hostile shapes
-- (duplicate/empty names, short and long rows, blank lines, CRLF, a BOM, long cells).
-- rows: how many (default 1..30).
local function text(pick, mode, rows)
  local ncols = pick(4)
  local header = {}
  for j = 1, ncols do
    header[j] = mode == 3 and pick(6) == 1 and (pick(2) == 1 and "" or NAMES[1]) or NAMES[(j - 1) % #NAMES + 1] .. j
  end
  local kinds = {}
  for j = 1, ncols do kinds[j] = mode == 1 and (pick(3) == 1 and 3 or 1) or pick(4) end
  local lines = { table.concat(header, ",") }
  for _ = 1, rows or pick(30) do
    local row = {}
    local width = ncols
    if mode == 3 and pick(10) == 1 then width = pick(ncols + 2) - 1 end
    for j = 1, width do
      local kind = kinds[(j - 1) % ncols + 1]
      if mode == 1 then
        if pick(10) == 1 then kind = 4 end
      elseif pick(5) == 1 then
        kind = mode == 3 and pick(5) or pick(4)
      end
      row[j] = cell(pick, kind)
    end
    lines[#lines + 1] = table.concat(row, ",")
    if mode == 3 and pick(15) == 1 then lines[#lines + 1] = "" end
  end
  local eol = (mode == 3 and pick(4) == 1) and "\r\n" or "\n"
  local out = table.concat(lines, eol)
  if pick(2) == 1 then out = out .. eol end
  if mode == 3 and pick(5) == 1 then out = out .. eol .. eol end
  if mode == 3 and pick(20) == 1 then out = "\239\187\191" .. out end
  return out
end

-- What from_data returns, comparable with assert.same.
local function outcome(data, use_native)
  frame.native_csv = use_native and native or nil
  local df, err = frame.from_data(data, "data")
  frame.native_csv = native
  if not df then return { error = err } end
  local lazy = 0 -- columns whose numbers are still only in C (numcol_new): read below through Lua
  for _, col in pairs(df.columns) do if getmetatable(col) then lazy = lazy + 1 end end
  local math_types = {}
  for name, col in pairs(df.columns) do
    local t = {}
    for i = 1, df.nrows do t[i] = math.type(col[i]) or type(col[i]) end
    math_types[name] = t
  end
  return { names = df.names, types = df.types, grain = df.grain, columns = df.columns, nrows = df.nrows,
    math_types = math_types }, lazy
end

describe("csv.columns", function()
  it("is loaded by data.frame", function()
    assert.is_function(native)
  end)

  it("builds columns, numbers where a whole column is numbers, and declines what Lua must name", function()
    local names, cols, n, numeric = csv.columns('x,y,z\n1,a,\n2.5,"b,c",NA\n,,\n\n\n', 100, 10, 100)
    assert.same({ "x", "y", "z" }, names)
    assert.same({ x = { 1, 2.5 }, y = { "a", "b,c" }, z = {} }, cols)
    assert.equal(3, n)
    assert.same({ x = true, y = false, z = false }, numeric)
    assert.equal("integer", math.type(cols.x[1]))
    assert.same({ false, 3 }, { csv.columns("x\n1\n2\n3\n", 2, 10, 100) })
    assert.is_nil(csv.columns("x,x\n1,2\n", 100, 10, 100))    -- duplicate name
    assert.is_nil(csv.columns("x,\n1,2\n", 100, 10, 100))     -- empty name
    assert.is_nil(csv.columns("x\n1,2\n", 100, 10, 100))      -- longer than the header
    assert.is_nil(csv.columns('x\n"1\n', 100, 10, 100))       -- unterminated quote
    assert.is_nil(csv.columns("x\nlonger\n", 100, 10, 3))     -- a cell over max_string
    assert.is_nil(csv.columns("x\n", 100, 10, 100))           -- no rows
    assert.is_nil(csv.columns("a,b,c\n1,2,3\n", 100, 2, 100)) -- too many columns
  end)

  it("gives data.frame the same frames and errors as its Lua code", function()
    local pick = lcg(20261205)
    local took_native = 0
    for round = 1, 2000 do
      local data = text(pick, round % 3 + 1)
      if pick(3) == 1 then data = { csv = data } end
      local raw = type(data) == "table" and data.csv or data
      if native(raw, frame.MAX_ROWS, frame.MAX_COLUMNS, frame.MAX_STRING) then took_native = took_native + 1 end
      local fast, slow = outcome(data, true), outcome(data, false)
      assert.same(slow, fast, "round " .. round .. ": " .. raw:sub(1, 300))
    end
    assert.is_true(took_native >= 900 and took_native < 1900, "texts taken natively: " .. took_native)
  end)

  it("gives the same frames past 10,000 rows, where numeric columns stay in C until read", function()
    local pick = lcg(17017)
    local lazy = 0
    -- cells as people's large files have them: quoted numbers, CRLF, holes, NaN/Inf text, big and
    -- tiny magnitudes, integers past 2^53 now and then (that column is then built as before),
    -- ragged and blank rows
    local odd = { '"12.5"', "", "NA", "null", "NaN", "Inf", "-inf", "1e308", "-1e-300", "9007199254740993",
      " 7 ", "1.7976931348623157e308", "4.9e-324", "0.1", "-0" }
    for round = 1, 12 do
      local rows = { "a,b,c" }
      local shape = round % 4
      for i = 1, 10000 + pick(300) do
        local function num(k)
          return pick(40) == 1 and odd[pick(k)] or tostring(pick(2000) - 1000) .. (pick(2) == 1 and "" or "." .. pick(99))
        end -- num(4): holes and quotes only; num(#odd): text and 2^53 + 1 too
        local row = num(4) .. "," .. num(round <= 6 and 4 or #odd) .. "," .. (shape == 0 and "x" .. pick(5) or num(4))
        if shape == 1 and pick(50) == 1 then row = num(4) end -- a short row: the rest missing
        if shape == 2 and pick(200) == 1 then row = "" end -- a blank line inside
        rows[i + 1] = row
      end
      local data = table.concat(rows, shape == 3 and "\r\n" or "\n")
      local fast, n_lazy = outcome(data, true)
      lazy = lazy + (n_lazy or 0)
      assert.same(outcome(data, false), fast, "round " .. round .. ": " .. data:sub(1, 300))
    end
    assert.is_true(lazy >= 8, "columns kept in C: " .. lazy)
  end)

  -- A CSV whose cells are all the usual number ([-]digits[.digits], at most 15 digits) is read in
  -- one loop (lua_csv.c's simple_rows); one unusual byte anywhere hands the text to the general
  -- scan. Both must build what the Lua code builds.
  it("reads all-number texts as the Lua code does, and any one unusual cell or row too", function()
    local pick = lcg(1712)
    local function usual()
      local digits = {}
      for k = 1, pick(8) do digits[k] = tostring(pick(10) - 1) end
      local out = (pick(4) == 1 and "-" or "") .. table.concat(digits)
      if pick(2) == 1 then out = out .. "." .. tostring(pick(100000) - 1) end
      return out
    end
    local UNUSUAL = { "", "NA", "null", "x", '"5"', "1234567890123456", "123456789012345.6", "1e3", "+1", " 1", "1.",
      ".5", "-", "--1", "1-", "0x10", "1,", "\r", "2024-01-02" }
    local lazy = 0
    for round = 1, 300 do
      local ncols, nrows = pick(4), round % 25 == 0 and 10000 + pick(50) or pick(40)
      local header = {}
      for j = 1, ncols do header[j] = "c" .. j end
      local lines = { table.concat(header, ",") }
      for i = 1, nrows do
        local row = {}
        for j = 1, ncols do row[j] = usual() end
        lines[i + 1] = table.concat(row, ",")
      end
      local change = pick(14)
      local at = pick(nrows) + 1
      if change <= 6 then -- one cell unusual
        local row = {}
        for cell in (lines[at] .. ","):gmatch("([^,]*),") do row[#row + 1] = cell end
        row[pick(#row)] = UNUSUAL[pick(#UNUSUAL)]
        lines[at] = table.concat(row, ",")
      elseif change == 7 then lines[at] = lines[at] .. "," -- a row too long
      elseif change == 8 then lines[at] = lines[at]:match("^(.*),[^,]*$") or "" -- a row too short
      elseif change == 9 then table.insert(lines, at, "") -- a blank line inside
      elseif change == 10 then lines[1] = lines[1] .. ",c1" -- a duplicate name
      end
      local eol = pick(3) == 1 and "\r\n" or "\n"
      local data = table.concat(lines, eol)
      if pick(2) == 1 then data = data .. eol end
      if change == 11 then data = data .. eol .. eol end -- blank lines at the end
      if change == 12 then data = "\239\187\191" .. data end -- a BOM
      local fast, n_lazy = outcome(data, true)
      lazy = lazy + (n_lazy or 0)
      assert.same(outcome(data, false), fast, "round " .. round .. ": " .. data:sub(1, 300))
    end
    assert.is_true(lazy >= 5, "columns kept in C: " .. lazy)
  end)

  it("says how many rows are too many without building them", function()
    local df, err = frame.from_data(("x\n" .. ("1\n"):rep(frame.MAX_ROWS + 1)), "data")
    assert.is_nil(df)
    assert.equal(("data: %d rows is more than the limit of %d"):format(frame.MAX_ROWS + 1, frame.MAX_ROWS),
      err.message)
  end)
end)
