-- Request data (records, columns+rows, CSV text) → a column-oriented frame
-- with one inferred type per column. Dates are parsed here, in UTC, without
-- os.time (which depends on the host's time zone).
local errors = require "util.errors"
local json = require "util.json"

local calendar = require "util.calendar"
local dates = require "data.dates"
local numbers = require "data.numbers"

-- Locals for the loops that run once per data cell.
local type, pairs, next = type, pairs, next

local M = {}

-- The C fast paths for records and {columns, rows} (src/lua_records.c) and CSV
-- (src/lua_csv.c): the same result for data they accept, nil for anything else. Tests switch
-- them off to compare.
local has_native, native = pcall(require, "chartd.records")
M.native_records = has_native and native.columns or nil
M.native_rows = has_native and native.rows or nil
M.native_echo = has_native and native.of_columns or nil
local has_csv, native_csv = pcall(require, "chartd.csv")
M.native_csv = has_csv and native_csv.columns or nil
-- ISO 8601 date columns (src/iso_date.c): the times and grain parse_date would give, nil for
-- a column with anything else.
local has_columns, native_columns = pcall(require, "chartd.columns")
M.native_dates = has_columns and native_columns.iso_dates or nil

M.MAX_ROWS = 1000000
M.MAX_COLUMNS = 200
-- Longest text cell, in characters: a label longer than this cannot be drawn
-- usefully, and the cap bounds what measuring and wrapping text can cost.
M.MAX_STRING = 10000

local NO_ROWS = "no rows; give data.values, data.columns+rows, or a CSV string"

-- Calendar ---------------------------------------------------------------------

-- Calendar arithmetic lives in util.calendar; re-exported for the modules that use it here.
M.days_from_civil = calendar.days_from_civil
M.civil_from_days = calendar.civil_from_days

local function leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function valid_date(y, m, d)
  if m < 1 or m > 12 or d < 1 then return false end
  local last = month_days[m]
  if m == 2 and leap(y) then last = 29 end
  return d <= last
end

local function epoch(y, m, d, hh, mi, ss)
  return M.days_from_civil(y, m, d) * 86400 + (hh or 0) * 3600 + (mi or 0) * 60 + (ss or 0)
end

-- Grains from coarse to fine; a column's grain is the finest of its values.
M.GRAINS = { year = 1, quarter = 2, month = 3, day = 4, datetime = 5 }

local function two_digit_year(yy)
  -- POSIX strptime's %y pivot: 69–99 → 1900s, 00–68 → 2000s.
  return yy >= 69 and 1900 + yy or 2000 + yy
end

-- Parses one date string → epoch seconds (UTC), grain | nil.
function M.parse_date(s)
  if type(s) ~= "string" then return nil end
  s = s:match("^%s*(.-)%s*$")
  local n = #s
  if n < 6 or n > 35 then return nil end
  local y, m, d
  -- 2024-Q1, 2024Q1, 2024 Q1
  y, m = s:match("^(%d%d%d%d)[- ]?[Qq]([1-4])$")
  if y then return epoch(tonumber(y), (tonumber(m) - 1) * 3 + 1, 1), "quarter" end
  -- 2024-01
  y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
  if y then
    y, m = tonumber(y), tonumber(m)
    if m < 1 or m > 12 then return nil end
    return epoch(y, m, 1), "month"
  end
  -- M/D/YY, M/D/YYYY
  local ys
  m, d, ys = s:match("^(%d%d?)/(%d%d?)/(%d+)$")
  if m then
    if #ys ~= 2 and #ys ~= 4 then return nil end
    y = #ys == 2 and two_digit_year(tonumber(ys)) or tonumber(ys)
    m, d = tonumber(m), tonumber(d)
    if not valid_date(y, m, d) then return nil end
    return epoch(y, m, d), "day"
  end
  -- 2024-01-15, optionally followed by a time
  local rest
  y, m, d, rest = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
  if not y then return dates.parse(s) end -- month names, RFC 2822, 2000/01/15: as Date.parse reads them
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not valid_date(y, m, d) then return nil end
  if rest == "" then return epoch(y, m, d), "day" end
  local hh, mi, tail = rest:match("^[T ](%d%d):(%d%d)(.*)$")
  if not hh then return nil end
  local ss, frac = 0, 0
  local sec, f, tail2 = tail:match("^:(%d%d)(%.?%d*)(.*)$")
  if sec then
    ss, tail = tonumber(sec), tail2
    if f ~= "" then
      if f == "." then return nil end
      frac = tonumber("0" .. f)
    end
  end
  hh, mi = tonumber(hh), tonumber(mi)
  if hh > 23 or mi > 59 or ss > 60 then return nil end
  local offset = 0
  if tail ~= "Z" and tail ~= "z" and tail ~= "" then
    local sign, oh, om = tail:match("^([+-])(%d%d):?(%d%d)$")
    if not sign then return nil end
    offset = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "-" and -1 or 1)
  end
  local t = epoch(y, m, d, hh, mi, ss) - offset
  if frac ~= 0 then t = t + frac end
  return t, "datetime"
end

-- Values -----------------------------------------------------------------------

local missing_strings = { [""] = true, NA = true, null = true }

local function is_missing(v)
  return v == nil or v == json.null or (type(v) == "string" and missing_strings[v] ~= nil)
end

-- Plain decimal numbers: "12", "-3.5", ".5", "1e3". No hex, no "inf". Numbers written with
-- separators, units or placeholders ("45,939", "58%", "$1,200", "-") are read per column, when
-- every cell of the column follows one format (data.numbers).
local function parse_number(s)
  if type(s) == "number" then return s end
  if type(s) ~= "string" then return nil end
  local t = s:match("^%s*(.-)%s*$")
  if not (t:match("^[-+]?%d*%.?%d*$") or t:match("^[-+]?%d*%.?%d*[eE][-+]?%d+$")) then return nil end
  if not t:find("%d") then return nil end
  local v = tonumber(t)
  if v and (v ~= v or v == math.huge or v == -math.huge) then return nil end
  return v
end
M.parse_number = parse_number

-- A number as text without a trailing ".0": 3.0 → "3", 0.1 → "0.1".
function M.number_text(n)
  if math.type(n) == "float" and n == math.floor(n) and math.abs(n) < 2 ^ 53 then
    return string.format("%d", math.tointeger(n))
  end
  if math.type(n) == "integer" then return string.format("%d", n) end
  for _, p in ipairs({ 15, 16, 17 }) do
    local s = string.format("%." .. p .. "g", n)
    if tonumber(s) == n then return s end
  end
  return tostring(n)
end

local function to_text(v)
  if type(v) == "number" then return M.number_text(v) end
  return tostring(v)
end

-- Numbers a spec forces to temporal: 4-digit integers are years, anything
-- else is a timestamp in milliseconds (Vega-Lite's reading of numbers).
local function to_temporal(v)
  if type(v) == "number" then
    if v == math.floor(v) and v >= 1000 and v <= 9999 then
      return epoch(math.tointeger(v), 1, 1), "year"
    end
    -- JavaScript's Date holds ±8.64e15 ms: past it Vega-Lite reads an Invalid Date, so no date here
    if not (math.abs(v) <= 8.64e15) then return nil end
    return v / 1000, "datetime"
  end
  if type(v) == "string" then
    local t = v:match("^%s*(%d%d%d%d)%s*$")
    if t then return epoch(tonumber(t), 1, 1), "year" end
    return M.parse_date(v)
  end
  return nil
end

-- Column type inference over raw (non-missing) values.
local function infer(raw, nrows)
  local numeric, temporal, any = true, true, false
  local grain
  for i = 1, nrows do
    local v = raw[i]
    if v ~= nil then
      any = true
      if numeric and type(v) ~= "number" and not parse_number(v) then numeric = false end
      if temporal then
        local t, g = nil, nil
        if type(v) == "string" then t, g = M.parse_date(v) end
        if not t then
          temporal = false
        elseif not grain or M.GRAINS[g] > M.GRAINS[grain] then
          grain = g
        end
      end
      if not numeric and not temporal then break end
    end
  end
  if not any then return "nominal" end
  if numeric then return "quantitative" end
  local reader = numbers.column(raw, nrows, parse_number)
  if reader then return "quantitative", nil, reader end
  if temporal then return "temporal", grain end
  return "nominal"
end

-- Converts raw values to the stored form of `ftype`, numbers by `reader` (a column of written
-- numbers, data.numbers) when given. → column, grain | nil, bad value
local function convert(raw, nrows, ftype, reader)
  if reader then return reader.values, nil, true end -- read once, placeholders ("-", "n/a") missing
  if ftype == "quantitative" then
    -- Mostly numbers already: copy at C speed, then parse what is text.
    local col, changed = table.move(raw, 1, nrows, 1, {}), false
    for i = 1, nrows do
      local v = col[i]
      if v ~= nil and type(v) ~= "number" then
        local x = parse_number(v)
        if x == nil then return nil, v end
        col[i], changed = x, true
      end
    end
    return col, nil, changed
  end
  if ftype ~= "temporal" then
    -- Mostly text already: copy at C speed, then write out what is not.
    local col, changed = table.move(raw, 1, nrows, 1, {}), false
    for i = 1, nrows do
      local v = col[i]
      if v ~= nil and type(v) ~= "string" then col[i], changed = to_text(v), true end
    end
    return col, nil, changed
  end
  local col, grain = {}, nil
  for i = 1, nrows do
    local v = raw[i]
    if v ~= nil then
      local t, g = to_temporal(v)
      if t == nil then return nil, v end
      col[i] = t
      if not grain or M.GRAINS[g] > M.GRAINS[grain] then grain = g end
    end
  end
  return col, grain, true
end

-- Building ---------------------------------------------------------------------

local function fail(path, msg)
  return nil, errors.new("invalid_data", path, msg)
end

-- Normalizes one input value: missing → nil, booleans → "true"/"false",
-- NaN/Infinity and nested values refused. → value | nil, error message
local function cell(v)
  if is_missing(v) then return nil end
  local tv = type(v)
  if tv == "number" then
    if v ~= v then return nil, "NaN is not allowed; use null for a missing value" end
    if v == math.huge or v == -math.huge then
      return nil, "Infinity is not allowed; use null for a missing value"
    end
    return v
  elseif tv == "boolean" then
    return v and "true" or "false"
  elseif tv == "string" then
    local n = utf8.len(v) or #v
    if n > M.MAX_STRING then
      return nil, string.format("text of %d characters is longer than the limit of %d", n, M.MAX_STRING)
    end
    return v
  end
  return nil, "expected a number, string, boolean or null, got " .. (tv == "table" and "a nested value" or tv)
end

local function check_limits(path, nrows, ncols)
  if nrows == 0 then return fail(path, NO_ROWS) end
  if nrows > M.MAX_ROWS then
    return fail(path, string.format("%d rows is more than the limit of %d", nrows, M.MAX_ROWS))
  end
  if ncols > M.MAX_COLUMNS then
    return fail(path, string.format("%d columns is more than the limit of %d", ncols, M.MAX_COLUMNS))
  end
  return true
end

local function from_records(values, path)
  local vpath = path .. ".values"
  if type(values) ~= "table" or (next(values) ~= nil and values[1] == nil) then
    return fail(vpath, "expected an array of records (objects)")
  end
  local n = #values
  if n > M.MAX_ROWS then return check_limits(path, n, 0) end
  if M.native_records then
    local names, raw, numeric, text = M.native_records(values, M.MAX_COLUMNS, M.MAX_STRING)
    if names then return names, raw, n, values, numeric, text end
  end
  local names, raw, ncols = {}, {}, 0
  local huge = math.huge
  local as_sent = true -- every cell kept as sent (no missing-value token, boolean, ...)
  local numeric = {}    -- column → every value a finite number (nothing left to infer)
  -- The record's JSON path, built only for an error (5,000 records would make 5,000 strings).
  local function rpath(i) return vpath .. "[" .. (i - 1) .. "]" end
  for i = 1, n do
    local rec = values[i]
    if type(rec) ~= "table" or rec[1] ~= nil or (next(rec) == nil and json.is_array(rec)) then
      return fail(rpath(i), "expected an object like {\"month\": \"2024-01\", \"revenue\": 120}")
    end
    -- One pass over the record. Keys in first-seen order; within a record cjson gives no
    -- order, so the new keys of each record are sorted to stay deterministic.
    local fresh
    for k, v in pairs(rec) do
      local col = raw[k]
      if not col then
        if type(k) ~= "string" then return fail(rpath(i), "keys must be strings") end
        ncols = ncols + 1
        if ncols > M.MAX_COLUMNS then return check_limits(path, n, ncols) end
        col = {}
        raw[k] = col
        numeric[k] = true
        fresh = fresh or {}
        fresh[#fresh + 1] = k
      end
      if type(v) == "number" and v == v and v ~= huge and v ~= -huge then
        col[i] = v -- the common case, without cell()'s checks
      else
        local x, err = cell(v)
        if err then return fail(rpath(i) .. "." .. k, err) end
        if x ~= v then as_sent = false end
        numeric[k] = false
        col[i] = x
      end
    end
    if fresh then
      table.sort(fresh)
      for _, k in ipairs(fresh) do names[#names + 1] = k end
    end
  end
  return names, raw, n, as_sent and values or nil, numeric
end

local function from_rows(columns, rows, path, rows_path, first_row)
  local names, raw, seen = {}, {}, {}
  if type(columns) ~= "table" or #columns == 0 then
    return fail(path .. ".columns", "expected a non-empty array of column names")
  end
  if #columns > M.MAX_COLUMNS then return check_limits(path, 1, #columns) end
  for j, name in ipairs(columns) do
    if type(name) == "number" then name = M.number_text(name) end
    if type(name) ~= "string" then
      return fail(path .. ".columns[" .. (j - 1) .. "]", "expected a column name (string)")
    end
    if name == "" then name = "column_" .. j end
    if seen[name] then
      return fail(path .. ".columns[" .. (j - 1) .. "]", string.format('duplicate column name "%s"', name))
    end
    seen[name] = true
    names[j] = name
    raw[name] = {}
  end
  if type(rows) ~= "table" then return fail(rows_path, "expected an array of rows") end
  local n = #rows - (first_row - 1)
  if n > M.MAX_ROWS then return check_limits(path, n, #names) end
  if M.native_rows and first_row == 1 then -- columns straight from C; nil for what Lua must say
    local cols, numeric = M.native_rows(rows, #names, M.MAX_STRING)
    if cols then
      local by_name = {}
      for j, name in ipairs(names) do raw[name], by_name[name] = cols[j], numeric[j] end
      return names, raw, n, nil, by_name
    end
  end
  for i = 1, n do
    local row = rows[i + first_row - 1]
    local rpath = rows_path .. "[" .. (i + first_row - 2) .. "]"
    if type(row) ~= "table" then return fail(rpath, "expected an array of values") end
    if #row > #names then
      if first_row > 1 then -- CSV: there is no JSON path to a row, name the record
        return fail(rows_path, string.format("CSV record %d has %d values but the header has %d columns",
          i + first_row - 1, #row, #names))
      end
      return fail(rpath, string.format("row has %d values but there are %d columns", #row, #names))
    end
    for j, name in ipairs(names) do
      local x, err = cell(row[j])
      if err then return fail(rpath .. "[" .. (j - 1) .. "]", err) end
      raw[name][i] = x
    end
  end
  return names, raw, n
end

local function from_csv(text, path)
  if #text > 64 * 1024 * 1024 then return fail(path, "CSV text is larger than 64 MB") end
  local ok, csv = pcall(require, "chartd.csv")
  if not ok then return fail(path, "CSV support is not available in this build") end
  if M.native_csv then -- columns straight from C (src/lua_csv.c); nil for what Lua must say
    local names, raw, n, numeric, times, grains = M.native_csv(text, M.MAX_ROWS, M.MAX_COLUMNS, M.MAX_STRING)
    if names then return names, raw, n, nil, numeric, times, grains end
    if names == false then return check_limits(path, raw, 1) end
  end
  local rows, err = csv.parse(text)
  if not rows then return fail(path, "invalid CSV: " .. tostring(err)) end
  if #rows == 0 then return fail(path, NO_ROWS) end
  -- Blank trailing lines come back as a row with one empty value; drop them.
  while #rows > 1 and #rows[#rows] <= 1 and (rows[#rows][1] or "") == "" do rows[#rows] = nil end
  local header = rows[1]
  local names, raw, n = from_rows(header, rows, path, path, 2)
  if not names then return nil, raw end
  return names, raw, n
end

-- Frames made here carry this metatable, so code handed "data" can tell a parsed frame from
-- data as a request sends it.
local Frame = { __name = "data.frame" }

function M.is_frame(v)
  return getmetatable(v) == Frame
end

-- frame.from_data(data, path) → frame | nil, error (code invalid_data). A frame is returned as a
-- view of itself (see M.view), so data parsed once can be handed on.
function M.from_data(data, path)
  path = path or "data"
  if M.is_frame(data) then return M.view(data) end
  local names, raw, n, records, numeric, times, grains, text
  if type(data) == "string" then
    names, raw, n, records, numeric, times, grains = from_csv(data, path)
  elseif type(data) ~= "table" or data == json.null then
    return fail(path, NO_ROWS)
  elseif type(data.csv) == "string" then
    names, raw, n, records, numeric, times, grains = from_csv(data.csv, path .. ".csv")
  elseif data.values ~= nil then
    names, raw, n, records, numeric, text = from_records(data.values, path)
  elseif data.columns ~= nil or data.rows ~= nil then
    names, raw, n, records, numeric = from_rows(data.columns, data.rows, path, path .. ".rows", 1)
  else
    return fail(path, NO_ROWS)
  end
  if not names then return nil, raw end
  local ok, err = check_limits(path, n, #names)
  if not ok then return nil, err end

  -- units[name]: "%" or a currency sign of a column of written numbers ("^$" before the number,
  -- "%" / "€" after), so axes and labels can show it; values are as written (58 for "58%").
  local df = { names = names, types = {}, columns = {}, grain = {}, units = {}, nrows = n, source = raw }
  for _, name in ipairs(names) do
    local ftype, grain, col, changed
    if numeric and numeric[name] then -- numbers only: no scans, and no copy — column arrays are
      -- never edited in place (views share them; set_type replaces one), so the parsed numbers
      -- serve as both the source and the column
      ftype, col, changed = "quantitative", raw[name], false
    elseif times and times[name] then -- ISO dates read in the CSV scan (src/lua_csv.c)
      ftype, col, grain, changed = "temporal", times[name], grains[name], true
    else
      local first = raw[name][1]
      if M.native_dates and type(first) == "string" and first:find("^%d%d%d%d%-") then
        col, grain = M.native_dates(raw[name], n) -- ISO dates only: parsed once, in C
      end
      if col then
        ftype, changed = "temporal", true
      else
        local reader
        ftype, grain, reader = infer(raw[name], n)
        if ftype == "nominal" and text and text[name] then -- strings only: nothing to convert, and
          col, changed = raw[name], false                 -- no copy (as for numbers above)
        else
          local converted, _, any_changed = convert(raw[name], n, ftype, reader)
          col, changed = converted, any_changed
        end
        df.units[name] = reader and reader.unit
      end
    end
    df.types[name] = ftype
    df.grain[name] = grain
    df.columns[name] = col
    if changed then records = nil end
  end
  -- The records as sent, when they are exactly what to_records would rebuild
  -- (numbers, text, nothing converted): echoing 5,000 rows then costs nothing.
  df.records = records
  return setmetatable(df, Frame)
end

-- frame.first_seen(col, n [, limit]) → the distinct values of col[1..n] (nil skipped) in the
-- order they first appear, or nil when there are more than `limit`. The answer is kept with the
-- column array (weakly) for the next caller — validation counts a channel's categories, a chart
-- then orders them — which column arrays allow, never being edited in place. The list is shared:
-- a caller that changes it copies it first.
local first_seen_of = setmetatable({}, { __mode = "k" })

function M.first_seen(col, n, limit)
  local known = first_seen_of[col]
  if known and known.n == n then
    if known.order and not (limit and #known.order > limit) then return known.order end
    if not known.order and limit and limit <= known.above then return nil end
  end
  local order, seen, count, last = {}, {}, 0, nil
  for i = 1, n do
    local x = col[i]
    if x ~= nil and x ~= last and not seen[x] then -- (like the row before: seen already)
      count = count + 1
      if limit and count > limit then
        first_seen_of[col] = { n = n, above = limit }
        return nil
      end
      seen[x] = true
      order[count] = x
    end
    last = x
  end
  first_seen_of[col] = { n = n, order = order }
  return order
end

-- A new frame over the same column arrays: its types, grains and columns maps are its own, so
-- set_type on the view (which replaces a column array, never edits one) leaves df unchanged.
function M.view(df)
  local out = { names = df.names, nrows = df.nrows, records = df.records, source = df.source,
    types = {}, grain = {}, columns = {}, units = {} }
  for _, name in ipairs(df.names) do
    out.types[name], out.grain[name], out.columns[name] = df.types[name], df.grain[name], df.columns[name]
    out.units[name] = df.units and df.units[name]
  end
  return setmetatable(out, Frame)
end


-- frame.set_type(df, name, type) → true | nil, message. Converts from the
-- original values, so forcing a date column to nominal gives back its text.
local TYPES = { quantitative = true, temporal = true, nominal = true, ordinal = true }

function M.set_type(df, name, ftype)
  if not TYPES[ftype] then return nil, string.format('unknown type "%s"', tostring(ftype)) end
  if not df.columns[name] then return nil, string.format('no column "%s"', tostring(name)) end
  if df.types[name] == ftype then return true end
  local text_types = { nominal = true, ordinal = true }
  if text_types[df.types[name]] and text_types[ftype] then -- both hold the same text
    df.types[name] = ftype
    return true
  end
  local reader = ftype == "quantitative" and numbers.column(df.source[name], df.nrows, parse_number) or nil
  local col, grain = convert(df.source[name], df.nrows, ftype, reader)
  if not col then
    local what = ftype == "quantitative" and "a number" or "a date"
    return nil, string.format('column "%s" has the value "%s", which is not %s', name, to_text(grain), what)
  end
  df.columns[name] = col
  df.types[name] = ftype
  df.grain[name] = ftype == "temporal" and grain or nil
  if df.units then df.units[name] = reader and reader.unit end
  df.records = nil
  return true
end

-- Epoch seconds → ISO text at a grain: "2024", "2024-Q1", "2024-01",
-- "2024-01-15", "2024-01-15T10:00:00Z".
function M.format_date(t, grain)
  local days = math.floor(t / 86400)
  local y, m, d = M.civil_from_days(days)
  if grain == "year" then return string.format("%04d", y) end
  if grain == "quarter" then return string.format("%04d-Q%d", y, (m - 1) // 3 + 1) end
  if grain == "month" then return string.format("%04d-%02d", y, m) end
  if grain == "day" then return string.format("%04d-%02d-%02d", y, m, d) end
  local s = math.floor(t - days * 86400)
  return string.format("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, s // 3600, s % 3600 // 60, s % 60)
end

-- The frame as JSON-able records (json.array of objects; dates as ISO text,
-- missing values left out), for echoing a normalized spec to a client.
function M.to_records(df)
  if df.records then return df.records end
  local out = json.array({})
  local names, cols, grains = df.names, {}, {}
  for j, name in ipairs(names) do
    cols[j] = df.columns[name]
    grains[j] = df.types[name] == "temporal" and (df.grain[name] or "datetime") or false
  end
  if M.native_echo then -- the same records built in C (src/lua_records.c); nil for what Lua must say
    local recs = M.native_echo(cols, names, grains, df.nrows)
    if recs then return json.array(recs) end
  end
  for i = 1, df.nrows do
    local rec = {}
    for j = 1, #names do
      local v = cols[j][i]
      if v ~= nil and grains[j] then v = M.format_date(v, grains[j]) end
      rec[names[j]] = v
    end
    out[i] = rec
  end
  return out
end

-- Non-missing values of a column in first-seen order.
function M.distinct(df, name)
  local col, seen, out = df.columns[name], {}, {}
  if not col then return out end
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil and not seen[v] then
      seen[v] = true
      out[#out + 1] = v
    end
  end
  return out
end

-- {type, count, missing, distinct, min, max}; min/max only for numbers and dates.
function M.summary(df, name)
  local col = df.columns[name]
  if not col then return nil end
  local ftype = df.types[name]
  local ordered = ftype == "quantitative" or ftype == "temporal"
  local count, seen, distinct, lo, hi = 0, {}, 0, nil, nil
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil then
      count = count + 1
      if not seen[v] then seen[v], distinct = true, distinct + 1 end
      if ordered then
        if lo == nil or v < lo then lo = v end
        if hi == nil or v > hi then hi = v end
      end
    end
  end
  return { type = ftype, count = count, missing = df.nrows - count, distinct = distinct, min = lo, max = hi,
    grain = df.grain[name] }
end

return M
