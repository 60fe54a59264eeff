-- Filters by class: each test builds random tables (seeded: made-up column names in camelCase,
-- snake_case or words, negative values, year and date columns, yes/no columns) and random
-- phrasings, runs the follow-up's transform over the data, and compares the rows kept with a
-- count computed here. A filter that keeps the wrong rows fails, however the spec says it.
local followup = require "planner.followup"
local frame = require "data.frame"
local transforms = require "transforms"

local gen = require("seeded").new(20261206)
local rand, pick = gen.rand, gen.pick

-- A made-up word that does not end in "s" (its plural is read as a plural) and is not a number.
local function word(n)
  while true do
    local w = gen.word(n)
    if not w:match("s$") then return w end
  end
end

-- A column name of two words in one of the ways data names them, and the words a person types.
local function column_name(a, b)
  local style = rand(3)
  if style == 1 then return a .. b:sub(1, 1):upper() .. b:sub(2), a .. " " .. b end
  if style == 2 then return a .. "_" .. b, a .. " " .. b end
  return a:sub(1, 1):upper() .. a:sub(2) .. " " .. b, a .. " " .. b
end

local function table_of(names, rows)
  local lines = { table.concat(names, ",") }
  for _, r in ipairs(rows) do
    local cells = {}
    for k, v in ipairs(r) do cells[k] = tostring(v) end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
end

local edit = require "follow_read"

-- How many rows the spec's transform keeps, and how many of the records pass `want` (all of them
-- when none does: a filter no row passes is left out with a note, planner.keeps_rows).
local function kept(spec, df)
  return #transforms.run(frame.to_records(df), spec.transform, "transform")
end
local function count(df, want)
  local n = 0
  for _, r in ipairs(frame.to_records(df)) do if want(r) then n = n + 1 end end
  return n > 0 and n or df.nrows
end

-- A number as people write it: "-7", "minus 7", "7".
local function said(v)
  if v < 0 and rand(3) == 1 then return "minus " .. -v end
  return tostring(v)
end

local function bars(cat, measure)
  return { type = "bar", encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end

-- A table with a category, a measure the chart draws, and a signed column `m` named by its words.
local function signed_table()
  local m, m_words = column_name(word(2), word(2))
  local other, cat = word(3), word(2)
  local rows = {}
  for i = 1, 40 do rows[i] = { "g" .. i % 4, rand(100), rand(101) - 51 } end
  return table_of({ cat, other, m }, rows), cat, other, m, m_words
end

describe("filters by class", function()
  it("reads negative numbers in ranges on the column named, whatever the chart draws", function()
    for _ = 1, 40 do
      local df, cat, other, m, words = signed_table()
      local a, b = rand(61) - 31, rand(61) - 31
      local lo, hi = math.min(a, b), math.max(a, b)
      local cases = {
        { pick { "only %s above %s", "%s over %s only", "keep %s greater than %s" }:format(words, said(a)),
          function(v) return v > a end },
        { pick { "only %s below %s", "%s under %s only" }:format(words, said(a)), function(v) return v < a end },
        { rand(100) > 50 and ("only between %s and %s %s"):format(said(a), said(b), words)
            or ("keep %s between %s and %s"):format(words, said(a), said(b)), function(v) return v >= lo and v <= hi end },
        { pick { "exclude %s above %s", "leave out the rows with %s over %s", "drop %s greater than %s" }:format(words, said(a)),
          function(v) return not (v > a) end },
      }
      for _, c in ipairs(cases) do
        local spec = edit(c[1], bars(cat, other), df)
        assert.equal(count(df, function(r) return c[2](r[m]) end), kept(spec, df), c[1])
      end
    end
  end)

  it("reads a range written with a dash or 'from … to' on the column named", function()
    for _ = 1, 30 do
      local df, cat, other, m, words = signed_table()
      local a, b = rand(40), 40 + rand(40)
      local dash = pick { "-", " - ", "\226\128\147" }
      local p = pick { "only %s %d%s%d", "%s between %d%s%d", "keep %s of %d%s%d only" }:format(words, a, dash, b)
      if rand(3) == 1 then p = ("only %s from %d to %d"):format(words, a, b) end
      local spec = edit(p, bars(cat, m), df)
      assert.equal(count(df, function(r) return r[m] >= a and r[m] <= b end), kept(spec, df), p)
      p = ("exclude %s %d-%d"):format(words, a, b)
      spec = edit(p, bars(cat, m), df)
      assert.equal(count(df, function(r) return not (r[m] >= a and r[m] <= b) end), kept(spec, df), p)
    end
  end)

  it("keeps the negative or positive values of the column named, or of the chart's measure", function()
    for _ = 1, 30 do
      local df, cat, other, m, words = signed_table()
      local forms = {
        { pick { "only negative %s", "negative %s only", "just the negative %s" }, function(v) return v < 0 end },
        { pick { "exclude negative %s", "non-negative %s only", "leave out the negative %s" }, function(v) return v >= 0 end },
        { pick { "only positive %s", "positive %s only" }, function(v) return v > 0 end },
      }
      for _, f in ipairs(forms) do
        local p = f[1]:format(words)
        local spec = edit(p, bars(cat, other), df)
        assert.equal(count(df, function(r) return f[2](r[m]) end), kept(spec, df), p)
      end
      -- named by no column: the histogram's own numbers
      local hist = { type = "histogram", encoding = { x = { field = m, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local p = pick { "only negative values", "negatives only", "just the negative ones" }
      assert.equal(count(df, function(r) return r[m] < 0 end), kept(edit(p, hist, df), df), p)
    end
  end)

  -- A table with two year columns (the chart draws one) and a measure.
  local function years_table()
    local a, a_words = column_name(word(2), "year")
    local b, b_words = column_name(word(2), "year")
    local first = 1950 + rand(40)
    local rows = {}
    for i = 1, 60 do rows[i] = { first + (i - 1) % 30, first + rand(30) - 1, rand(100) } end
    local df = table_of({ a, b, "amount" }, rows)
    local chart = { type = "line", encoding = { x = { field = a, type = "ordinal" },
      y = { field = "amount", type = "quantitative", aggregate = "sum" } } }
    return df, chart, a, a_words, b, b_words, first
  end

  it("keeps the last or first N years of the data's own span, and says which", function()
    for _ = 1, 30 do
      local df, chart, a, _, b, b_words, first = years_table()
      local last = first + 29
      local n = rand(12) + 1
      local late = pick { "last %s years", "the last %s years only", "just the past %s years", "only the latest %s years" }
      local num = pick { tostring(n), ({ "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen" })[n - 1] }
      local spec, r = edit(late:format(num), chart, df)
      assert.equal(count(df, function(row) return row[a] > last - n end), kept(spec, df), late:format(num))
      assert.truthy(table.concat(r.notes, " "):find(tostring(last - n + 1), 1, true), table.concat(r.notes, " "))
      local early = pick { "first %d years", "only the first %d years", "the earliest %d years" }:format(n)
      assert.equal(count(df, function(row) return row[a] < first + n end), kept(edit(early, chart, df), df), early)
      local drop = ("exclude the last %d years"):format(n)
      assert.equal(count(df, function(row) return row[a] <= last - n end), kept(edit(drop, chart, df), df), drop)
      -- the other year column, named between the count and "years"
      local named = ("only the last %d %ss"):format(n, b_words)
      local bs = {}
      for _, row in ipairs(frame.to_records(df)) do bs[#bs + 1] = row[b] end
      local b_last = math.max(table.unpack(bs))
      assert.equal(count(df, function(row) return row[b] > b_last - n end), kept(edit(named, chart, df), df), named)
      -- "top 5" stays a top-N, not a window
      assert.is_nil(edit("top 5", bars(a, "amount"), df).transform[1].filter)
    end
  end)

  it("keeps the last or first days, weeks and months of dated data", function()
    for _ = 1, 20 do
      -- daily dates from a random start, several rows a day
      local start = os.time { year = 1995 + rand(25), month = rand(12), day = rand(28), hour = 12 }
      local days = 60 + rand(200)
      local rows = {}
      for i = 1, days * 2 do rows[i] = { os.date("%Y-%m-%d", start + ((i - 1) % days) * 86400), rand(9) } end
      local date_col = pick { "date", "day", word(2) .. "Date" }
      local df = table_of({ date_col, "amount" }, rows)
      local chart = { type = "line", encoding = { x = { field = date_col, type = "temporal" },
        y = { field = "amount", type = "quantitative", aggregate = "sum" } } }
      local lo_t, hi_t = os.date("*t", start), os.date("*t", start + (days - 1) * 86400)
      local function day(t, plus) return os.date("%Y-%m-%d", os.time { year = t.year, month = t.month, day = t.day + plus, hour = 12 }) end
      local n = rand(4)
      local p = pick { "last %d weeks", "just the last %d weeks", "only the past %d weeks" }:format(n)
      local from = day(hi_t, -7 * n + 1)
      assert.equal(count(df, function(r) return r[date_col] >= from end), kept(edit(p, chart, df), df), p)
      p = pick { "only the first week", "just the first week" }
      local before = day(lo_t, 7)
      assert.equal(count(df, function(r) return r[date_col] < before end), kept(edit(p, chart, df), df), p)
      local d = rand(20)
      p = ("last %d days"):format(d)
      from = day(hi_t, -d + 1)
      assert.equal(count(df, function(r) return r[date_col] >= from end), kept(edit(p, chart, df), df), p)
      -- whole calendar months, up to the data's last one
      local k = rand(3)
      p = ("only the last %d months"):format(k)
      local m0 = hi_t.year * 12 + hi_t.month - 1 - (k - 1)
      local month_from = ("%04d-%02d-01"):format(m0 // 12, m0 % 12 + 1)
      assert.equal(count(df, function(r) return r[date_col] >= month_from end), kept(edit(p, chart, df), df), p)
    end
  end)

  it("reads a year filter on the year column it names, and negated as the other rows", function()
    for _ = 1, 30 do
      local df, chart, a, a_words, b, b_words, first = years_table()
      local y = first + rand(28)
      local p = pick { "for %s %d", "only %s %d", "just %s %d" }:format(b_words, y)
      assert.equal(count(df, function(r) return r[b] == y end), kept(edit(p, chart, df), df), p)
      p = pick { "exclude the %s after %d", "leave out %s after %d", "drop the %s later than %d" }:format(b_words, y)
      assert.equal(count(df, function(r) return r[b] <= y end), kept(edit(p, chart, df), df), p)
      p = pick { "exclude %d", "leave out %d", "without %d" }:format(y)
      assert.equal(count(df, function(r) return r[a] ~= y end), kept(edit(p, chart, df), df), p)
      p = pick { "remove everything before %d", "drop everything earlier than %d" }:format(y)
      local spec, r = edit(p, chart, df)
      assert.equal(count(df, function(row) return row[a] >= y end), kept(spec, df), p)
      assert.same({}, r.notes, p)
      p = ("only %s from %d to %d"):format(a_words, y - 1, y + 1)
      assert.equal(count(df, function(r) return r[a] >= y - 1 and r[a] <= y + 1 end), kept(edit(p, chart, df), df), p)
    end
  end)

  it("reads a side of a line of longitude or latitude on the data's coordinates", function()
    for _ = 1, 20 do
      local lon = pick { "longitude", "lon", "lng", word(2) .. "_longitude" }
      local lat = pick { "latitude", "lat", word(2) .. "Latitude" }
      local rows = {}
      for i = 1, 50 do rows[i] = { rand(361) - 181, rand(181) - 91, rand(30) } end
      local df = table_of({ lon, lat, "speed" }, rows)
      local hist = { type = "histogram", encoding = { x = { field = "speed", type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local v = rand(101) - 51
      local cases = {
        { ("only west of %s"):format(said(v)), function(r) return r[lon] < v end },
        { ("east of %s only"):format(said(v)), function(r) return r[lon] > v end },
        { ("exclude everything north of %s"):format(said(v)), function(r) return not (r[lat] > v) end },
        { pick { "only west of the prime meridian", "just west of greenwich" }, function(r) return r[lon] < 0 end },
        { "south of the equator", function(r) return r[lat] < 0 end },
      }
      for _, c in ipairs(cases) do
        assert.equal(count(df, c[2]), kept(edit(c[1], hist, df), df), c[1])
      end
    end
  end)

  it("reads a word that says the sign of a kind of measure, with a filter cue", function()
    for _ = 1, 20 do
      local kind, words = table.unpack(pick { { "delay", { { "early", -1 }, { "late", 1 } } },
        { "profit", { { "losses", -1 }, { "profitable", 1 } } } })
      local col = pick { kind, word(2) .. "_" .. kind, word(2) .. kind:sub(1, 1):upper() .. kind:sub(2) }
      local rows = {}
      for i = 1, 40 do rows[i] = { "g" .. i % 3, rand(61) - 31, rand(20) } end
      local df = table_of({ "group", col, "amount" }, rows)
      local w = pick(words)
      local function passes(r) return w[2] < 0 and r[col] < 0 or w[2] > 0 and r[col] > 0 end
      local p = pick { "only the %s ones", "just the %s %s" }:format(w[1], word(2) .. "s")
      assert.equal(count(df, passes), kept(edit(p, bars("group", "amount"), df), df), p)
      p = pick { "exclude the %s ones", "leave out the %s %s" }:format(w[1], word(2) .. "s")
      assert.equal(count(df, function(r) return not passes(r) end), kept(edit(p, bars("group", "amount"), df), df), p)
    end
  end)

  it("reads a range's column from its unit or adjective when no column is named", function()
    local KINDS = { { "distance", { "miles", "km", "meters" }, "longer" }, { "length", { "mm", "cm", "inches" }, "longer" },
      { "weight", { "kg", "pounds", "grams" }, "heavier" }, { "height", { "meters", "feet" }, "taller" } }
    for _ = 1, 30 do
      local kind = pick(KINDS)
      local col = pick { kind[1], word(2) .. "_" .. kind[1], word(2) .. kind[1]:sub(1, 1):upper() .. kind[1]:sub(2) }
      local other, cat = word(3), word(2)
      local rows = {}
      for i = 1, 40 do rows[i] = { "g" .. i % 3, rand(50), rand(2000) } end
      local df = table_of({ cat, other, col }, rows)
      local n = rand(1900)
      local noun = word(2) .. "s"
      local p = pick { "only the %s %s than %d %s", "just %s %s than %d %s" }:format(noun, pick { kind[3], "more" }, n, pick(kind[2]))
      assert.equal(count(df, function(r) return r[col] > n end), kept(edit(p, bars(cat, other), df), df), p)
    end
  end)

  it("keeps the yes or the no rows of a yes/no column named with a cue", function()
    for _ = 1, 30 do
      local flag = pick { word(2), word(1):upper() }
      local yes, no = table.unpack(pick { { "true", "false" }, { "yes", "no" }, { "Y", "N" } })
      local rows = {}
      for i = 1, 30 do rows[i] = { "g" .. i % 3, rand(100) > 50 and yes or no, rand(50) } end
      local df = table_of({ "group", flag, "amount" }, rows)
      local chart = bars("group", "amount")
      local p = pick { "only %s", "%s only", "just the %s ones" }:format(flag)
      assert.equal(count(df, function(r) return r[flag] == yes end), kept(edit(p, chart, df), df), p)
      p = pick { "exclude %s", "non-%s only", "leave out the %s ones", "not %s" }:format(flag)
      assert.equal(count(df, function(r) return r[flag] == no end), kept(edit(p, chart, df), df), p)
      -- without a cue it is a column to split by, no filter
      local split = edit(("colour by %s"):format(flag), chart, df)
      assert.is_nil(split.transform)
    end
  end)

  it("reads a plural of a word several values share as all of them, a count given as theirs", function()
    for _ = 1, 30 do
      local a, b = word(3), word(3) -- (three syllables: no typo of a command word, "lobels")
      while b == a do b = word(3) end
      local cap = function(w) return w:sub(1, 1):upper() .. w:sub(2) end
      local numerals = { "I", "II", "III", "IV", "V" }
      local na, nb = rand(3) + 1, rand(100) % 2 + 2
      local rows = {}
      for k = 1, na do rows[#rows + 1] = { cap(a) .. " " .. numerals[k], rand(99) } end
      for k = 1, nb do rows[#rows + 1] = { cap(b) .. " " .. numerals[k], rand(99) } end
      rows[#rows + 1] = { "Other", 5 }
      local df = table_of({ "name", "score" }, rows)
      local chart = bars("name", "score")
      local p = pick { "only the %ss", "just the %ss", "keep the %ss" }:format(a)
      assert.equal(na, kept(edit(p, chart, df), df), p)
      local nums = { "two", "three", "four" }
      p = ("only the %s %ss"):format(nums[na - 1], a)
      assert.equal(na, kept(edit(p, chart, df), df), p)
      p = pick { "leave out the %ss", "exclude the %ss" }:format(b)
      assert.equal(#rows - nb, kept(edit(p, chart, df), df), p)
      -- a count that is not theirs is not read as them
      local r = followup.interpret(("only the %s %ss"):format(nums[na] or "nine", a), chart, df)
      assert.is_true(r.kind ~= "edit" or kept(r.spec, df) ~= na or na == #rows)
    end
  end)
  it("ages: 'N-year-olds', 'aged N', 'over N years old', 'the N-M group' keep the rows of the age column", function()
    for _ = 1, 12 do
      local step = pick { 1, 5, 10 }
      local age = pick { "age", "Age", "age_group", "mother age" }
      local m, cat = word(3), word(2)
      local rows = {}
      for y = 2000, 2003 do
        for a = 0, 90, step do
          for g = 1, 2 do rows[#rows + 1] = { y, a, "g" .. g, rand(5000) } end
        end
      end
      local df = table_of({ "year", age, cat, m }, rows)
      local base = { type = "line", encoding = { x = { field = "year", type = "temporal", timeUnit = "year" },
        y = { field = m, type = "quantitative", aggregate = "sum" } } }
      local n = (rand(8) + 1) * 10 + rand(step) - 1 -- not always a value the column holds
      local bracket = n - n % step
      local p = pick { "only %d-year-olds", "just people aged %d", "for %d year olds", "only age %d" }:format(n)
      local spec = edit(p, base, df)
      assert.equal(count(df, function(r) return r[age] == bracket end), kept(spec, df), p)
      p = pick { "only over %d years old", "just those aged over %d", "ages under %d only" }:format(n)
      spec = edit(p, base, df)
      local older = p:match("over")
      assert.equal(count(df, function(r) return older and r[age] > n or not older and r[age] < n end), kept(spec, df), p)
      -- a second group beside the first: both kept, one line each
      local first = (rand(4) + 1) * 10
      local second = first + 20
      spec = edit(("only %d-year-olds"):format(first), base, df)
      p = pick { "add the %d-%d group as a second line", "add %d year olds too", "compare with age %d" }
        :format(second, second + step - 1)
      spec = edit(p, spec, df)
      assert.equal(count(df, function(r) return r[age] == first or r[age] == second end), kept(spec, df), p)
      assert.equal(age, spec.encoding.color and spec.encoding.color.field, p)
    end
  end)
end)
