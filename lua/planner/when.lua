-- Time windows and grains read from a request's words: "last 30 days", "hourly today",
-- "weekly in Q3", "since 2019", "2020 to 2023 quarterly", "in March 2024", "yesterday by
-- hour". The reading is relative (no clock here); synth.periods resolves it against a day.
--
-- A reading is { ranges = { range, ... } | nil, unit = grain | nil, words = { [word] = true } }.
-- A range is one of
--   { from = ref, to = ref }      from the start of one period to the end of another
--   { from = ref }                since a period, up to today
--   { to = ref }                  up to the end of a period
--   { last = n, unit = u }        the last n units, up to the latest complete period
--   { next = n, unit = u }        the next n units
-- and a ref names a period:
--   { rel = unit, offset = n }    the calendar unit containing today, moved n units
--   { y =, m =, d =, months =, days = }  a calendar period (y nil: the latest one begun)
local lex = require "planner.lexicon"

local M = {}

-- Unit words → unit, how many of it.
local UNITS = {
  hour = "hour", hours = "hour", hr = "hour", hrs = "hour",
  day = "day", days = "day", date = "day", dates = "day", fortnight = { "day", 14 }, fortnights = { "day", 14 },
  week = "week", weeks = "week", wk = "week", wks = "week",
  month = "month", months = "month", mo = "month", mos = "month", mth = "month", mths = "month",
  quarter = "quarter", quarters = "quarter", qtr = "quarter", qtrs = "quarter",
  year = "year", years = "year", yr = "year", yrs = "year",
  decade = { "year", 10 }, decades = { "year", 10 },
}
-- Letters glued to a number: "30d", "24h", "12wk", "5y".
local GLUED = { h = "hours", d = "days", w = "weeks", y = "years", mo = "months" }
-- Adverbs that name a grain.
local GRAIN_WORDS = { hourly = "hour", daily = "day", nightly = "day", weekly = "week", monthly = "month",
  quarterly = "quarter", yearly = "year", annual = "year", annually = "year" }
local NUMBER_WORDS = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8,
  nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15, sixteen = 16,
  seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  sixty = 60, seventy = 70, eighty = 80, ninety = 90, hundred = 100, couple = 2, few = 3, several = 5,
  dozen = 12 }
M.NUMBER_WORDS = NUMBER_WORDS
local ORDINALS = { first = 1, second = 2, third = 3, fourth = 4 }
local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7,
  august = 8, september = 9, october = 10, november = 11, december = 12, jan = 1, feb = 2, mar = 3,
  apr = 4, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9, oct = 10, nov = 11, dec = 12 }
M.MONTHS = MONTHS
-- Meteorological seasons (northern): the month each starts.
local SEASONS = { spring = 3, summer = 6, autumn = 9, fall = 9, winter = 12 }
-- "last year" is the previous calendar year; "past year" the twelve months up to now.
local CALENDAR = { this = 0, current = 0, last = -1, previous = -1, prior = -1, preceding = -1,
  next = 1, coming = 1, upcoming = 1, following = 1 }
local ROLLING = { last = "last", past = "last", previous = "last", prior = "last", preceding = "last",
  trailing = "last", recent = "last", rolling = "last", next = "next", coming = "next",
  upcoming = "next", following = "next" }
-- Plural units without a number ("in recent years"): how many.
local SOME = { hour = 24, day = 14, week = 8, month = 6, quarter = 4, year = 5 }
local FROM = { since = true, from = true, starting = true, beginning = true, after = true }
local UNTIL = { ["until"] = true, till = true, through = true, thru = true, before = true }
local SEPARATORS = { to = true, ["until"] = true, till = true, through = true, thru = true }
-- Rate units: "km per hour" is a speed, not hourly data.
local RATE_UNITS = { km = true, kilometers = true, kilometres = true, miles = true, meters = true,
  metres = true, feet = true, liters = true, litres = true, gallons = true, kwh = true, words = true,
  beats = true, requests = true, calls = true, frames = true, kilometer = true, mile = true }

-- Tokens -------------------------------------------------------------------------

local function split_run(run, out)
  local yy = run:match("^'(%d%d)$")
  if yy then out[#out + 1] = { n = 2000 + tonumber(yy), digits = 4 }; return end
  run = run:gsub("'s$", ""):gsub("^'+", ""):gsub("'+$", "")
  if run == "" then return end
  if run:match("^%d+$") then out[#out + 1] = { n = tonumber(run), digits = #run }; return end
  local n, suf = run:match("^(%d+)(%a%a)$")
  if n and (suf == "st" or suf == "nd" or suf == "rd" or suf == "th") then
    out[#out + 1] = { n = tonumber(n), ord = true }; return
  end
  local dec = run:match("^(%d%d%d0)s$")
  if dec then out[#out + 1] = { decade = tonumber(dec) }; return end
  dec = run:match("^(%d0)s$")
  if dec then
    local v = tonumber(dec)
    out[#out + 1] = { decade = v >= 30 and 1900 + v or 2000 + v }; return
  end
  local q, qy = run:match("^q([1-4])'?(%d*)$")
  if q then
    out[#out + 1] = { quarter = tonumber(q) }
    if #qy == 2 or #qy == 4 then out[#out + 1] = { n = (#qy == 2 and 2000 or 0) + tonumber(qy), digits = 4 } end
    return
  end
  local y4, q4 = run:match("^(%d%d%d%d)%-?q([1-4])$")
  if y4 then
    out[#out + 1] = { n = tonumber(y4), digits = 4 }
    out[#out + 1] = { quarter = tonumber(q4) }
    return
  end
  local h = run:match("^h([12])$")
  if h then out[#out + 1] = { half = tonumber(h) }; return end
  local fy = run:match("^fy'?(%d%d)$") or run:match("^fy(%d%d%d%d)$")
  if fy then out[#out + 1] = { n = #fy == 2 and 2000 + tonumber(fy) or tonumber(fy), digits = 4 }; return end
  local num, letters = run:match("^(%d+)(%a+)$")
  if num then
    out[#out + 1] = { n = tonumber(num), digits = #num }
    out[#out + 1] = { w = GLUED[letters] or letters }
    return
  end
  out[#out + 1] = { w = run }
end

-- A run's tokens keep its text, so the words a reading used can be told apart later.
local function classify(run, out)
  local first = #out + 1
  split_run(run, out)
  for k = first, #out do out[k].raw = run end
end

-- Lowercase tokens: { w = word } | { n = number, digits =, ord = } | { date = {y, m, d} }
-- | { quarter = q } | { half = h } | { decade = y } | { p = punctuation }.
function M.tokenize(text)
  text = text:lower():gsub("\226\128[\147\148]", "-")
  local out, i = {}, 1
  while i <= #text do
    local y, m, d, j = text:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)()", i)
    if y then
      out[#out + 1] = { date = { y = tonumber(y), m = tonumber(m), d = tonumber(d) } }
      i = j
    else
      local run, k = text:match("^([%w']+)()", i)
      if run then
        classify(run, out)
        i = k
      else
        local c = text:sub(i, i)
        if c:match("[%-/,;:%.!%?%(%)]") then out[#out + 1] = { p = c } end
        i = i + 1
      end
    end
  end
  return out
end

-- Words --------------------------------------------------------------------------

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end
local UNIT_KEYS, GRAIN_KEYS = sorted_keys(UNITS), sorted_keys(GRAIN_WORDS)

-- One typo in a word of 5+ letters ("montly", "quartely", "yeras"), with the first letter
-- right. Answers are remembered (a bounded cache: request words are unbounded).
local seen, seen_count = {}, 0
local function fuzzy(w, list)
  if not w then return nil end
  if list[w] then return list[w] end
  if #w < 5 then return nil end
  local key = w .. (list == UNITS and "\0u" or "\0g")
  local hit = seen[key]
  if hit == nil then
    hit = false
    local first = w:sub(1, 1)
    for _, k in ipairs(list == UNITS and UNIT_KEYS or GRAIN_KEYS) do
      if #k >= 5 and k:sub(1, 1) == first and lex.word_match(w, k) >= 0.9 then hit = list[k]; break end
    end
    if seen_count >= 4096 then seen, seen_count = {}, 0 end
    seen[key], seen_count = hit, seen_count + 1
  end
  return hit or nil
end

local function word(T, i)
  return T[i] and T[i].w
end

-- The unit at i → unit, count, next | nil.
local function unit_at(T, i)
  local u = fuzzy(word(T, i), UNITS)
  if not u then return nil end
  if type(u) == "table" then return u[1], u[2], i + 1 end
  return u, 1, i + 1
end

-- A count at i ("30", "thirty", "a couple of", "a few") → n, next | nil.
local function number_at(T, i, allow_a)
  local t = T[i]
  if not t then return nil end
  if t.n and not t.ord and (t.digits or 0) <= 3 then return t.n, i + 1 end
  local w = t.w
  if (w == "a" or w == "an") and allow_a then
    local n, k = number_at(T, i + 1, false)
    if n then return n, k end
    if unit_at(T, i + 1) then return 1, i + 1 end
    return nil
  end
  local n = NUMBER_WORDS[w]
  if not n then return nil end
  if word(T, i + 1) == "of" then return n, i + 2 end
  return n, i + 1
end

local function year_at(T, i)
  local t = T[i]
  if t and t.n and t.digits == 4 and t.n >= 1900 and t.n <= 2100 then return t.n, i + 1 end
  return nil
end

-- A year after "of"/"in" or directly: "Q3 2024", "March of 2024".
local function trailing_year(T, i)
  local y, k = year_at(T, i)
  if y then return y, k end
  if word(T, i) == "of" or word(T, i) == "in" then
    y, k = year_at(T, i + 1)
    if y then return y, k end
  end
  return nil, i
end

-- "may" is also a verb: a month only next to a number, or after a word that takes a date.
local DATE_PREPS = { ["in"] = true, of = true, during = true, since = true, from = true, ["until"] = true,
  to = true, through = true, between = true, ["and"] = true, early = true, late = true, mid = true }
local function month_at(T, i)
  local w = word(T, i)
  local m = MONTHS[w]
  if not m then return nil end
  if w == "may" then
    local nxt, prev = T[i + 1], T[i - 1]
    if not ((nxt and (nxt.n or nxt.p == "-")) or (prev and prev.w and DATE_PREPS[prev.w])) then return nil end
  end
  return m, i + 1
end

-- Refs ---------------------------------------------------------------------------

local function ref_at(T, i)
  local t = T[i]
  if not t then return nil end
  if t.date then return { y = t.date.y, m = t.date.m, d = t.date.d, days = 1 }, i + 1 end
  local w = t.w
  if w == "today" or w == "tonight" then return { rel = "day", offset = 0 }, i + 1 end
  if w == "yesterday" then return { rel = "day", offset = -1 }, i + 1 end
  if w == "tomorrow" then return { rel = "day", offset = 1 }, i + 1 end
  if CALENDAR[w] then
    local j = word(T, i + 1) == "calendar" and i + 2 or i + 1
    local u, mult, k = unit_at(T, j)
    if u and mult == 1 and u ~= "hour" and not (T[j].w or ""):match("s$") then
      return { rel = u, offset = CALENDAR[w] }, k
    end
    local season = SEASONS[word(T, j)]
    if season then return { m = season, months = 3 }, j + 1 end
    return nil
  end
  -- a month, with a day and a year if given: "March", "March 15", "March 15th, 2024", "Mar 2024"
  local m, k = month_at(T, i)
  if m then
    local d
    local nt = T[k]
    if nt and nt.n and nt.n >= 1 and nt.n <= 31 and (nt.ord or (nt.digits or 0) <= 2) then d, k = nt.n, k + 1 end
    if d and T[k] and T[k].p == "," and year_at(T, k + 1) then k = k + 1 end
    local y
    y, k = trailing_year(T, k)
    if d then return { y = y, m = m, d = d, days = 1 }, k end
    return { y = y, m = m, months = 1 }, k
  end
  -- a day before its month: "15 March 2024", "the 3rd of May"
  if t.n and t.n >= 1 and t.n <= 31 and (t.ord or (t.digits or 0) <= 2) then
    local j = word(T, i + 1) == "of" and i + 2 or i + 1
    local mm, k2 = MONTHS[word(T, j)], j + 1
    if mm then
      local y
      y, k2 = trailing_year(T, k2)
      return { y = y, m = mm, d = t.n, days = 1 }, k2
    end
  end
  -- quarters and halves: "Q3", "Q3 2024", "third quarter of 2024", "H1", "second half"
  local q, qk
  if t.quarter then q, qk = t.quarter, i + 1 end
  local ord = ORDINALS[w] or (t.ord and t.n)
  if ord and (word(T, i + 1) == "quarter" or word(T, i + 1) == "qtr") and ord <= 4 then q, qk = ord, i + 2 end
  if q then
    local y, k2 = trailing_year(T, qk)
    return { y = y, m = 3 * q - 2, months = 3 }, k2
  end
  local h, hk
  if t.half then h, hk = t.half, i + 1 end
  if ord and ord <= 2 and word(T, i + 1) == "half" then h, hk = ord, i + 2 end
  if h then
    local y, k2 = trailing_year(T, hk)
    return { y = y, m = 6 * h - 5, months = 6 }, k2
  end
  local season = SEASONS[w]
  if season then
    local y, k2 = trailing_year(T, i + 1)
    local prev = word(T, i - 1)
    if y or w ~= "fall" or (prev and DATE_PREPS[prev]) then return { y = y, m = season, months = 3 }, k2 end
  end
  local y, yk = year_at(T, i)
  if y then
    local nt = T[yk]
    if nt and nt.quarter then return { y = y, m = 3 * nt.quarter - 2, months = 3 }, yk + 1 end
    if nt and nt.half then return { y = y, m = 6 * nt.half - 5, months = 6 }, yk + 1 end
    return { y = y, m = 1, months = 12 }, yk
  end
  if t.decade then return { y = t.decade, m = 1, months = 120 }, i + 1 end
  return nil
end

-- Spans --------------------------------------------------------------------------

-- "last 30 days", "past 5 years", "the next 2 quarters", "past year", "recent months",
-- "a 30-day window", "3 months ago" (a ref), "year to date".
local function span_at(T, i)
  local w = word(T, i)
  local dir = ROLLING[w]
  if dir then
    local j = word(T, i + 1) == "the" and i + 2 or i + 1
    local n, k = number_at(T, j, true)
    if n then
      local u, mult, k2 = unit_at(T, k)
      if u then return { [dir] = n * mult, unit = u }, k2 end
    end
    local u, mult, k2 = unit_at(T, j)
    if u then
      local plural = (T[j].w or ""):match("s$") ~= nil and mult == 1
      if plural then return { [dir] = SOME[u], unit = u }, k2 end
      -- "last year" is a calendar year (a ref); "past year", "last decade" a rolling span
      if mult > 1 or not CALENDAR[w] or w == "recent" then return { [dir] = mult, unit = u }, k2 end
    end
    return nil
  end
  local n, k = number_at(T, i, false)
  if n then
    if T[k] and T[k].p == "-" then k = k + 1 end
    local u, mult, k2 = unit_at(T, k)
    if u then
      if word(T, k2) == "ago" then return { ref = { rel = u, offset = -n * mult } }, k2 + 1 end
      return { last = n * mult, unit = u }, k2
    end
    return nil
  end
  local u, mult, k2 = unit_at(T, i)
  if u and mult == 1 and word(T, k2) == "to" and word(T, k2 + 1) == "date" then
    return { from = { rel = u, offset = 0 } }, k2 + 2
  end
  local abbr = w and w:match("^([ymqw])td$")
  if abbr then
    local units = { y = "year", m = "month", q = "quarter", w = "week" }
    return { from = { rel = units[abbr], offset = 0 } }, i + 1
  end
  return nil
end

-- Ranges -------------------------------------------------------------------------

local function skip_fillers(T, i)
  while word(T, i) == "the" or word(T, i) == "in" or word(T, i) == "of" do i = i + 1 end
  return i
end

-- A second ref after "2020 - 2023", "March to June", "2020-23".
local function second_ref(T, i, first)
  local t = T[i]
  if not t then return nil end
  if not (t.p == "-" or SEPARATORS[t.w] or (t.w == "up" and word(T, i + 1) == "to")) then return nil end
  local j = skip_fillers(T, t.w == "up" and i + 2 or i + 1)
  local b, k = ref_at(T, j)
  if b then return b, k end
  local nt = T[j]
  if first and first.months == 12 and nt and nt.n and nt.digits == 2 then -- "2020-23"
    return { y = first.y // 100 * 100 + nt.n, m = 1, months = 12 }, j + 1
  end
  return nil
end

local function range_at(T, i)
  local w = word(T, i)
  if FROM[w] then
    local a, k = ref_at(T, skip_fillers(T, i + 1))
    if not a then -- "since 3 months ago"
      local s, k2 = span_at(T, skip_fillers(T, i + 1))
      if s and s.ref then return { from = s.ref }, k2 end
    end
    if a then
      local b, k2 = second_ref(T, k, a)
      if b then return { from = a, to = b }, k2 end
      return { from = a }, k
    end
  end
  if w == "between" then
    local a, k = ref_at(T, skip_fillers(T, i + 1))
    if a and (word(T, k) == "and" or (T[k] and T[k].p == "-")) then
      local b, k2 = ref_at(T, skip_fillers(T, k + 1))
      if b then return { from = a, to = b }, k2 end
    end
  end
  if UNTIL[w] or (w == "up" and word(T, i + 1) == "to") then
    local b, k = ref_at(T, skip_fillers(T, w == "up" and i + 2 or i + 1))
    if b then return { to = b }, k end
  end
  local s, k = span_at(T, i)
  if s then
    if s.ref then return { from = s.ref, to = s.ref }, k end
    return s, k
  end
  local a
  a, k = ref_at(T, i)
  if a then
    local b, k2 = second_ref(T, k, a)
    if b then return { from = a, to = b }, k2 end
    return { from = a, to = a }, k
  end
  return nil
end

-- A grain at i: "hourly", "by month", "per day", "each week", "month over month", and the
-- later items of a "by" list ("by region and quarter") → unit, next.
local function grain_at(T, i, in_by_list)
  local w = word(T, i)
  local joined = in_by_list and (w == "and" or T[i].p == ",")
  if not w and not joined then return nil end
  local g = fuzzy(w, GRAIN_WORDS)
  if g then return g, i + 1 end
  -- "over the years" is a grain; "over the last 5 years" a window
  if w == "by" or w == "per" or w == "each" or w == "every" or w == "over" or joined then
    local j = word(T, i + 1) == "the" and i + 2 or i + 1
    local u, mult, k = unit_at(T, j)
    -- "by day of week" and "hour of the day" are categories; "km per hour" is a speed
    if u and mult == 1 and word(T, k) ~= "of" and not (w == "per" and RATE_UNITS[word(T, i - 1)]) then
      return u, k
    end
    return nil
  end
  -- "day by day", "month-over-month", "year on year"
  local u, mult, k = unit_at(T, i)
  if not u or mult ~= 1 then return nil end
  local function dashes(j)
    while T[j] and T[j].p == "-" do j = j + 1 end
    return j
  end
  k = dashes(k)
  local sep = word(T, k)
  if sep == "by" or sep == "over" or sep == "on" then
    local u2, _, k2 = unit_at(T, dashes(k + 1))
    if u2 == u then return u, k2 end
  end
  return nil
end

local function words_of(T, a, b, used)
  for k = a, b do
    local t = T[k]
    if t then
      for _, w in ipairs { t.w, t.n and tostring(t.n), t.raw } do used[w] = true end
    end
  end
end

-- read(text) → { ranges =, unit =, words = }.
function M.read(text)
  local T = M.tokenize(text or "")
  local ranges, unit, used = {}, nil, {}
  local i, by_list = 1, false
  while i <= #T do
    if word(T, i) == "by" then by_list = true elseif T[i].p and T[i].p ~= "," then by_list = false end
    local r, k = range_at(T, i)
    if r then
      ranges[#ranges + 1] = r
      words_of(T, i, k - 1, used)
      i = k
    else
      local g
      g, k = grain_at(T, i, by_list)
      if g then
        unit = unit or g
        words_of(T, i, k - 1, used)
        i = k
      else
        i = i + 1
      end
    end
  end
  return { ranges = #ranges > 0 and ranges or nil, unit = unit, words = used }
end

-- A window at one end of a data's own span: "last 20 years", "the past two weeks", "first week",
-- "the earliest 3 months", "last decade", "recent years". window_at(words, i) → { late =
-- true (the end) | false (the start), n =, unit = } and the index after it, or nil. words[i] is
-- a word or false (a word another rule explained).
local ENDS = { last = true, past = true, latest = true, final = true, trailing = true, recent = true,
  previous = true, first = false, earliest = false, initial = false, opening = false }
function M.window_at(words, i)
  local late = ENDS[words[i] or ""]
  if late == nil then return nil end
  local j = i + 1
  local n = words[j] and (words[j]:match("^%d+$") and tonumber(words[j]) or NUMBER_WORDS[words[j]])
  if n then
    j = j + 1
    if words[j] == "of" then j = j + 1 end
  end
  local w = words[j]
  local u = w and fuzzy(w, UNITS)
  -- "the last day of the month" is a part of a cycle, not a window
  if not u or words[j + 1] == "of" then return nil end
  local unit, mult = u, 1
  if type(u) == "table" then unit, mult = u[1], u[2] end
  if not n then n = w:match("s$") and mult == 1 and SOME[unit] or 1 end
  return { late = late, n = n * mult, unit = unit }, j + 1
end

-- Whether a word is a time unit or a grain word (so it is not read as a measure).
function M.is_time_word(w)
  return fuzzy(w, UNITS) ~= nil or fuzzy(w, GRAIN_WORDS) ~= nil or MONTHS[w] ~= nil
end

-- A count written as digits or a word ("5", "ten") → n | nil.
function M.number(w)
  if not w then return nil end
  if w:match("^%d+$") then return tonumber(w) end
  local n = NUMBER_WORDS[w]
  if n and n >= 1 and w ~= "few" and w ~= "several" and w ~= "couple" then return n end
  return nil
end

return M
