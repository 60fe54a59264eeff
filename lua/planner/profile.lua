-- Column profiles for the offline planner: what each column of a frame is
-- (a time axis, a measure, a category, a row identifier) and the words that name it.
local frame = require "data.frame"
local lex = require "planner.lexicon"

local M = {}
local time_index, numbered_subject

-- Categories with at most this many values are listed for value matching.
local MAX_LISTED = 300
-- Whole-number columns with at most this many values can act as categories (cylinders, quantity).
M.DISCRETE_MAX = 12
-- … and with at most this many, when a request groups by one ("people by age" over 19 ages).
M.GROUP_VALUES_MAX = 30

-- Splits a column name into lowercase words: "Production Budget" → {production, budget},
-- "Sub-Category" → {sub, category}, "releaseYear" → {release, year}, "MPG" → {mpg}.
function M.name_words(name)
  local s = name:gsub("(%l)(%u)", "%1 %2"):gsub("(%u)(%u%l)", "%1 %2")
  local words = {}
  for w in s:lower():gmatch("[%w]+") do words[#words + 1] = w end
  return words
end

-- Name words that make a column of whole numbers an identifier, not a quantity.
local NUMERIC_ID = { id = true, code = true, key = true, identifier = true, zip = true, fips = true }

local function all_integers(df, name)
  local col = df.columns[name]
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil and v ~= math.floor(v) then return false end
  end
  return true
end

local function nonzero(df, name)
  local col, n = df.columns[name], 0
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil and v ~= 0 then n = n + 1 end
  end
  return n
end

-- Whether most values are places; second result: whether most are US states (names or postal
-- codes), which "by state" then means.
local STATE_CODES = {}
for _, code in pairs(lex.place_codes) do STATE_CODES[code] = true end
local function place_column(values)
  if #values == 0 then return false, false end
  local hits, states = 0, 0
  for _, v in ipairs(values) do
    local lv = v:lower()
    if lex.place_codes[lv] or STATE_CODES[v] then states = states + 1 end
    if lex.places[lv] or lex.place_codes[lv] then hits = hits + 1 end
  end
  return hits * 2 > #values or states * 2 > #values, states * 2 > #values
end

-- Whether no two rows share their values of the columns in `names` (rows missing one are skipped);
-- `units` (optional) gives a time unit per name, values taken at it (a date's month).
function M.unique_rows(df, names, units)
  local seen = {}
  local floor = units and require("data.timeunit").floor
  for i = 1, df.nrows do
    local parts = {}
    for k, name in ipairs(names) do
      local v = df.columns[name][i]
      if v ~= nil and units and units[k] then v = floor(v, units[k]) end
      if v == nil then parts = nil; break end
      parts[k] = tostring(v)
    end
    if parts then
      local key = table.concat(parts, "\0")
      if seen[key] then return false end
      seen[key] = true
    end
  end
  return true
end

-- Whether a chart of encoding `enc` has one row of df per mark (per x at its time unit, colour and
-- panel): its measure is then drawn as it is, an aggregate of one value meaning nothing.
function M.one_row_each(df, enc)
  if not (enc.x and enc.x.field and df.columns[enc.x.field]) then return false end
  local names, units = {}, {}
  for _, ch in ipairs { "x", "color", "column", "row" } do
    local e = enc[ch]
    if e and e.field and not e.aggregate and not e.bin and df.columns[e.field] then
      names[#names + 1] = e.field
      -- (a column of year numbers drawn as years is its own unit)
      units[#names] = df.types[e.field] == "temporal" and e.timeUnit or false
    end
  end
  return M.unique_rows(df, names, units)
end

-- The table's shape, read from its rows: `key`, a text column naming each row once (a table of
-- states, countries, products); `time`, its main time column; `series`, a category that splits
-- the rows of each time point into separate series (stocks by symbol, weather by city) — rows are
-- unique per (time, series) —; `timeseries`, one row per time point or per (time, series).
local function shape(df, prof)
  for _, c in ipairs(prof.columns) do
    if c.role == "time" and (not prof.time or (prof.time.type ~= "temporal" and c.type == "temporal")) then
      prof.time = c
    end
    -- (a column of names before a column of row numbers: "AL", "AK" name the rows, 1, 2 do not)
    if (not prof.key or prof.key.type == "quantitative" and c.type ~= "quantitative")
        and (c.role == "id" or c.role == "category" and c.type ~= "quantitative")
        and c.count == df.nrows and c.distinct == c.count and c.count >= 3 then
      prof.key = c
    end
  end
  local t = prof.time
  if not t or t.count < 3 then return end
  if t.distinct == t.count then
    prof.timeseries = true
    return
  end
  for _, c in ipairs(prof.columns) do
    -- a series has several time points (3 at least), or it is a category like any other
    if c.role == "category" and c.distinct >= 2 and c.distinct <= 50 and c.distinct * 3 <= c.count
        and M.unique_rows(df, { t.name, c.name }) and (not prof.series or c.distinct < prof.series.distinct) then
      prof.series = c
    end
  end
  prof.timeseries = prof.series ~= nil
end

-- Words naming a table's main quantity, and words naming a side quantity (a coordinate, a code).
local MAIN_WORDS = { total = 2, value = 1, amount = 1, price = 1, count = 1, sales = 1, revenue = 1,
  population = 1, generation = 1, deaths = 1, cases = 1, close = 1 }
local SIDE_WORDS = { other = -2, latitude = -3, longitude = -3, lat = -3, lon = -3, lng = -3, x = -1, y = -1,
  id = -3, index = -3, code = -3, zip = -3, zipcode = -3, fips = -3 }

-- How much a measure looks like the one a person means when naming none: filled in (not missing,
-- not zero), named like a main quantity (total, amount, value), not a coordinate or a code.
function M.measure_weight(c, nrows)
  local n = math.max(1, nrows)
  local filled = 4 * (c.count or 0) / n - 2 * ((c.count or 0) - (c.nonzero or c.count or 0)) / n
  -- coarse steps: a few zeros more or less do not outweigh the name
  local w = math.floor(filled * 4 + 0.5) / 4
  for _, word in ipairs(c.words) do
    w = w + (MAIN_WORDS[word] or lex.additive[word] and 0.5 or 0) + (SIDE_WORDS[word] or 0)
  end
  return w
end

-- Pearson's |r| of two measures over the rows that have both (the first 5,000): how closely one
-- tracks the other.
function M.correlation(df, a, b)
  local xs, ys = df.columns[a.name], df.columns[b.name]
  local sx, sy, sxx, syy, sxy, k = 0, 0, 0, 0, 0, 0
  for r = 1, math.min(df.nrows, 5000) do
    local x, y = xs[r], ys[r]
    if type(x) == "number" and type(y) == "number" then
      k = k + 1
      sx, sy, sxx, syy, sxy = sx + x, sy + y, sxx + x * x, syy + y * y, sxy + x * y
    end
  end
  local vx, vy = k * sxx - sx * sx, k * syy - sy * sy
  if k < 3 or vx <= 0 or vy <= 0 then return 0 end
  return math.abs((k * sxy - sx * sy) / math.sqrt(vx * vy))
end

-- Name words of a column that holds how many rows each row stands for (a table already counted:
-- origin, destination, count).
local COUNT_NAMES = { count = true, counts = true, n = true, freq = true, frequency = true, cnt = true,
  tally = true, occurrences = true, num = true }
-- The time index of repeated measurements: whole numbers from 0 or 1 named as time ("Time",
-- "day", "week", "visit", the whole name) that many rows share (chick weights measured on days 0, 2, … 21).
-- A duration measured once per row (race times) has as many values as rows and stays a measure.
-- (singular: "days" or "hours" of a row is more often a duration than a time point; a month or
-- a quarter numbered within its year is a place in the year's cycle, ordered the same way)
local TIME_INDEX_NAMES = { time = true, day = true, week = true, hour = true, visit = true, step = true,
  timepoint = true, wave = true, round = true, month = 12, mon = 12, mo = 12, quarter = 4, qtr = 4 }
time_index = function(c, s)
  local named = #c.words == 1 and TIME_INDEX_NAMES[c.words[1]]
  if not (named and c.integers and s.min and s.min >= 0 and s.distinct >= 3 and s.distinct <= 60
      and s.distinct * 3 <= s.count) then
    return false
  end
  if named == true then return s.min <= 1 end
  return s.min >= 1 and s.max <= named
end

-- Subjects numbered 1..k, each measured on several rows ("Chick" 1–50 in a table of chick
-- weights): a singular noun naming things, not a scale ("rating", "level") or a count, and
-- each number about as common as the others (a quantity 1..14 is mostly 1s, 2s and 3s).
local SCALE_NAMES = { rating = true, score = true, grade = true, level = true, rank = true, size = true, age = true,
  floor = true, quality = true, priority = true, stage = true, class = true, tier = true, dose = true }
numbered_subject = function(df, c, s)
  local w = #c.words == 1 and c.words[1]
  if not (w and c.integers and s.min == 1 and s.max == s.distinct and s.distinct >= 10 and s.count >= 3 * s.distinct
      and not w:match("s$") and not SCALE_NAMES[w] and not COUNT_NAMES[w] and not lex.aggregate[w]) then
    return false
  end
  local counts, col = {}, df.columns[c.name]
  for i = 1, df.nrows do
    local v = col[i]
    if v then counts[v] = (counts[v] or 0) + 1 end
  end
  local list = {}
  for _, n in pairs(counts) do list[#list + 1] = n end
  table.sort(list)
  return list[#list] <= 2 * list[(#list + 1) // 2]
end

-- A column that says how many rows each row stands for (Freq, count, n).
local function counts_rows(c)
  return c.role == "measure" and c.integers and (c.min or 0) >= 0 and #c.words == 1 and COUNT_NAMES[c.words[1]] or false
end
-- A table of counts by groups (year, age, sex, people): its one column named by the people or
-- events it counts (whole numbers, never negative), every other column repeating its values, two
-- or more of them besides the time, and no two rows in the same group — each row stands for that
-- many of them. (One series per entity over time — Entity, Year, Deaths — is a table of series:
-- "how many years per entity" counts its rows.)
local function counts_of_groups(df, prof)
  local counted, groups, besides_time = nil, {}, 0
  for _, c in ipairs(prof.columns) do
    if c.role == "measure" and c.integers and (c.min or 0) >= 0 and #c.words == 1 and lex.counted[c.words[1]] then
      if counted then return nil end
      counted = c
    elseif c.role ~= "constant" then
      if c.distinct * 5 > c.count then return nil end
      groups[#groups + 1] = c.name
      if c.role ~= "time" then besides_time = besides_time + 1 end
    end
  end
  return counted and besides_time >= 2 and M.unique_rows(df, groups) and counted or nil
end
-- Plural name words that are units or scores, not counted things ("days to ship", "ratings").
local NOT_COUNTED = { years = true, months = true, weeks = true, days = true, hours = true, minutes = true,
  seconds = true, degrees = true, ratings = true, scores = true, stars = true, grades = true, rates = true,
  percents = true, points = true, miles = true, kilometers = true, meters = true, feet = true, inches = true,
  pounds = true, kg = true, dollars = true, cents = true, ages = true, levels = true }

-- The usual aggregate of a measure: sum for what adds up (sales, budgets, population, a count of
-- people or flights), mean for the rest (ratings, rates, temperatures).
-- Words that make a quantity a rate per period ("MonthlyIncome", "annual_salary", "DailyRate").
local PER_PERIOD = { monthly = true, annual = true, yearly = true, daily = true, hourly = true, weekly = true }
function M.per_period(c)
  for _, w in ipairs(c.words) do if PER_PERIOD[w] then return true end end
  return false
end

function M.default_agg(c)
  if c.unit == "%" then return "mean" end -- written as percentages ("58%"): shares never add up
  -- an amount per period on each row (a person's monthly income) compares by its average
  if M.per_period(c) then return "mean" end
  if counts_rows(c) then return "sum" end
  for i, s in ipairs(c.stems) do
    if lex.additive[s] or lex.additive[c.words[i]] then return "sum" end
    -- an abbreviation of an additive word ("pop" for population)
    for syn in pairs(lex.synonyms_of(s)) do
      if lex.additive[syn] and syn:sub(1, #s) == s then return "sum" end
    end
  end
  -- a whole, never negative number named by a plural noun counts things ("passengers", "births")
  local head = c.content_words and c.content_words[#c.content_words]
  if c.integers and (c.min or 0) >= 0 and head and #c.content == 1 and head ~= c.head
      and head:match("s$") and not NOT_COUNTED[head] then
    return "sum"
  end
  return "mean"
end

-- What "how many" means on this table: the sum of its count column when the rows are already
-- counted, else a count of rows (an encoding channel). `used`: columns already drawn (a count
-- column drawn as the groups is not summed too).
function M.count_channel(prof, used)
  local w = prof.weight
  local drawn = false
  for _, c in ipairs(used or {}) do drawn = drawn or c == w end
  if w and not drawn then return { field = prof.weight.name, type = "quantitative", aggregate = "sum" } end
  return { aggregate = "count", type = "quantitative" }
end

-- The data's main measure, not one of `exclude` (a set of names): continuous numbers first.
function M.main_measure(prof, exclude)
  local best, best_w
  for _, c in ipairs(prof.columns) do
    if c.role == "measure" and not (exclude and exclude[c.name]) then
      local w = M.measure_weight(c, prof.nrows) - (c.discrete and 2 or 0)
      if not best or w > best_w then best, best_w = c, w end
    end
  end
  return best
end

-- profile(df) → { nrows, columns = { {name, type, words, stems, content, head, distinct, min, max,
--   role = "time"|"measure"|"category"|"id"|"constant", discrete, years, place, values} }, by_name }
function M.profile(df)
  local out = { nrows = df.nrows, columns = {}, by_name = {} }
  for index, name in ipairs(df.names) do
    local s = frame.summary(df, name)
    local words = M.name_words(name)
    local stems, content, content_words = {}, {}, {}
    for i, w in ipairs(words) do
      stems[i] = lex.stem(w)
      if not lex.name_function[w] or #words == 1 then
        content[#content + 1] = stems[i]
        content_words[#content_words + 1] = w
      end
    end
    local c = { name = name, index = index, type = s.type, words = words, stems = stems, content = content,
      content_words = content_words,
      head = content[#content], joined = table.concat(words), distinct = s.distinct, min = s.min, max = s.max,
      count = s.count, grain = s.grain, acronym = name:match("^%u%u+$") ~= nil, unit = df.units and df.units[name] }
    local named_time, named_id = false, false
    for _, st in ipairs(stems) do
      if lex.time_name[st] then named_time = true end
      if lex.id_name[st] then named_id = true end
    end
    if s.type == "quantitative" then
      c.integers = all_integers(df, name)
      c.nonzero = nonzero(df, name)
      -- few values that repeat a lot: groups (cylinders), not a continuous measure
      c.discrete = c.integers and s.distinct <= M.DISCRETE_MAX and s.distinct * 5 <= s.count
      -- 4-digit whole numbers named like a year are calendar years; 2-digit ones ("70") too
      -- (a month or quarter column of small numbers is a month of the year, not a year "05")
      -- (a count of years, "YearsAtCompany", "TotalWorkingYears", is a duration: only a column
      -- called "year" itself holds two-digit years)
      local named_year = false
      for _, w in ipairs(content_words) do named_year = named_year or w == "year" or w == "yr" end
      named_year = named_year and #content_words == 1
      c.years = named_time and c.integers and s.min ~= nil and
        ((s.min >= 1000 and s.max <= 9999) or named_year and s.min >= 0 and s.max <= 99)
      if c.years or time_index(c, s) then c.role = "time" else c.role = "measure" end
      -- "county_id", "zipCode": whole numbers that name rows (no sum or average means anything)
      local coded = false
      for _, st in ipairs(stems) do coded = coded or NUMERIC_ID[st] end
      if coded and c.integers and (s.distinct > M.DISCRETE_MAX or s.distinct == s.count and s.count >= 3)
          or c.role == "measure" and numbered_subject(df, c, s) then
        c.role = "id"
      end
    elseif s.type == "temporal" then
      c.role = "time"
    else
      local ratio = s.distinct / math.max(1, s.count)
      if s.distinct <= MAX_LISTED then
        c.values = frame.distinct(df, name)
        c.place, c.states = place_column(c.values)
      end
      if s.distinct <= 1 then
        c.role = "constant"
      -- (a "name" column of places repeated on many rows — a state on each of its ten bracket
      -- rows — groups them)
      elseif ratio > 0.9 and s.distinct > 20 or (named_id and s.distinct > 50 and not (c.place and ratio <= 0.5)) then
        c.role = "id"
      else
        c.role = "category"
      end
      -- a column called "location", "city" or "state" holds places whatever its values
      for _, w in ipairs(c.words) do if lex.place_words[w] then c.place = true end end
    end
    if c.role ~= "constant" and s.count == 0 then c.role = "constant" end
    out.columns[#out.columns + 1] = c
    out.by_name[name] = c
  end
  shape(df, out)
  -- a column of codes drawn by its labels when named by the words it shares with them
  for _, c in ipairs(out.columns) do c.label = M.label_of(out, df, c) end
  -- a table already counted: one column says how many of something each row stands for, so a
  -- count of rows means the sum of it
  for _, c in ipairs(out.columns) do
    if counts_rows(c) and not out.weight then
      out.weight = c
    end
  end
  out.weight = out.weight or counts_of_groups(df, out)
  -- how distinctive each name word is: 1 / number of columns whose name has it
  local seen = {}
  for _, c in ipairs(out.columns) do
    for _, w in ipairs(c.content) do seen[w] = (seen[w] or 0) + 1 end
  end
  for _, c in ipairs(out.columns) do
    c.weights, c.total_weight = {}, 0
    for i, w in ipairs(c.content) do
      c.weights[i] = 1 / seen[w]
      c.total_weight = c.total_weight + c.weights[i]
    end
  end
  return out
end

-- The data's one column of categories not in `used` (a set of names), when there is exactly
-- one of a readable size: what "by industry" means when no column is called that.
function M.only_category(prof, used)
  local found
  for _, c in ipairs(prof.columns) do
    if c.role == "category" and not (used and used[c.name]) and (c.distinct or 0) <= 50 then
      if found then return nil end
      found = c
    end
  end
  return found
end

-- Name words of a column of codes ("gap_species_code", "state_abbr"), drawn better by its labels.
local CODE_WORDS = { code = true, id = true, abbr = true, abbreviation = true, key = true }

-- A column of readable labels that names the same groups as column c of codes, or nil: what a
-- chart by c should show. Either a column named as labels ("common_name" beside
-- "gap_species_code") with one label per code, or a text column sharing the code's other words
-- ("Party_Affiliation" beside the numbers of "Party_Code") whose labels each have one code: the
-- labels are as fine as the codes, or finer.
function M.label_of(prof, df, c)
  if c.role ~= "category" and c.role ~= "id" and not (c.role == "measure" and c.discrete) then return nil end
  local coded, own = false, {}
  for _, st in ipairs(c.stems or {}) do
    if CODE_WORDS[st] then coded = true elseif not lex.stop[st] then own[#own + 1] = st end
  end
  if not coded then return nil end
  for _, o in ipairs(prof.columns) do
    local named, shares = false, #own > 0
    local stems = {}
    for _, st in ipairs(o.stems or {}) do
      named = named or st == "name" or st == "label" or st == "title"
      stems[st] = true
    end
    for _, st in ipairs(own) do shares = shares and stems[st] == true end
    local fits = named and o.distinct == c.distinct or shares and o.distinct >= c.distinct
    if o ~= c and o.type ~= "quantitative" and fits and not stems.code then
      local first, second = df.columns[c.name], df.columns[o.name]
      if not named then first, second = second, first end
      -- (named labels: one label per code; labels sharing the code's words: one code per label)
      local seen, ok = {}, true
      for r = 1, df.nrows do
        local k, v = first[r], second[r]
        if k ~= nil then
          if seen[k] == nil then seen[k] = v elseif seen[k] ~= v then ok = false; break end
        end
      end
      if ok then return o end
    end
  end
  return nil
end

-- A column that holds `agg` of column c already, named like it with the aggregate's word
-- ("avg_delay" beside "delayed" for a mean of delays, "total_sales" for a sum), or nil.
function M.preaggregated(prof, c, agg)
  for _, o in ipairs(prof.columns) do
    local words = o.content_words or {}
    if o ~= c and o.role == "measure" and #o.content == #c.content + 1 and lex.aggregate[words[1] or ""] == agg then
      local same = true
      for i, st in ipairs(c.content) do same = same and o.content[i + 1] == st end
      if same then return o end
    end
  end
  return nil
end

-- The data's column of longitudes or latitudes (axis = "longitude" | "latitude"), by its name
-- ("lon", "lng", "Latitude"), or nil: what maps and "west of -100" read.
local COORDINATE_WORDS = {
  longitude = { longitude = true, longitudes = true, lon = true, lng = true, long = true },
  latitude = { latitude = true, latitudes = true, lat = true },
}
function M.coordinate(prof, axis)
  for _, c in ipairs(prof and prof.columns or {}) do
    if c.type == "quantitative" then
      for _, w in ipairs(c.words) do if COORDINATE_WORDS[axis][w] then return c end end
    end
  end
  return nil
end

-- Whether a column can be the groups of a bar chart: a category, or a whole-number column with few values.
function M.groupable(c)
  return c.role == "category" or c.role == "constant" or (c.role == "measure" and c.discrete)
end

return M
