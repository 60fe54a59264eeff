-- Time units with Vega-Lite's names and meanings: `month` is the month of the year,
-- `date` the day of the month, `day` the day of the week, `yearmonth` a month of a year, …
-- A unit floors a date (epoch seconds, UTC) the way Vega's timeunit transform does: the
-- parts it names are kept, the others reset, and a unit without `year` lands in 2012 (a
-- leap year starting on a Sunday), so "March" of every year is the same instant.
local calendar = require "util.calendar"

local M = {}

-- Parts in Vega's order; a unit name is a run of them ("yearmonthdate"), optionally
-- prefixed "utc" (chartd's dates are all UTC, so both spellings mean the same).
M.PARTS = { "year", "quarter", "month", "week", "date", "day", "dayofyear", "hours", "minutes",
  "seconds", "milliseconds" }
-- Longest first, so "dayofyear" is not read as "day" + "ofyear".
local MATCH_ORDER = { "dayofyear", "milliseconds", "quarter", "minutes", "seconds", "hours", "month",
  "year", "week", "date", "day" }

-- The names Vega-Lite documents (utc variants are these with "utc" in front).
M.NAMES = { "year", "quarter", "month", "week", "day", "dayofyear", "date", "hours", "minutes", "seconds",
  "milliseconds", "yearquarter", "yearquartermonth", "yearmonth", "yearmonthdate", "yearmonthdatehours",
  "yearmonthdatehoursminutes", "yearmonthdatehoursminutesseconds", "yearweek", "yearweekday",
  "yearweekdayhours", "yearweekdayhoursminutes", "yearweekdayhoursminutesseconds", "yeardayofyear",
  "quartermonth", "monthdate", "monthdatehours", "monthdatehoursminutes", "monthdatehoursminutesseconds",
  "weekday", "weekdayhours", "weekdayhoursminutes", "weekdayhoursminutesseconds", "dayhours",
  "dayhoursminutes", "dayhoursminutesseconds", "hoursminutes", "hoursminutesseconds", "minutesseconds",
  "secondsmilliseconds" }

local REFERENCE_YEAR = 2012

-- The unit that means "one calendar period" for a period word (the planner's "by month",
-- "weekly"): a month of a year is "yearmonth", not "month" (which is the month of the year).
M.PERIOD = { year = "year", quarter = "yearquarter", month = "yearmonth", week = "yearweek",
  day = "yearmonthdate", hour = "yearmonthdatehours" }

-- The period word of a unit that keeps the year ("yearmonth" → "month"), for synthesis.
function M.period_of(name)
  for word, unit in pairs(M.PERIOD) do
    if unit == name or "utc" .. unit == name then return word end
  end
  return nil
end

-- M.parts(name) → set of parts | nil (not a unit name). Accepts any run of parts, as Vega does,
-- as long as it does not mix week/day with month/date or dayofyear.
function M.parts(name)
  if type(name) ~= "string" then return nil end
  local s = name:gsub("^utc", "")
  if s == "" then return nil end
  local set, pos = {}, 1
  while pos <= #s do
    local found
    for _, p in ipairs(MATCH_ORDER) do
      if s:sub(pos, pos + #p - 1) == p then found = p; break end
    end
    if not found or set[found] then return nil end
    set[found] = true
    pos = pos + #found
  end
  local kinds = ((set.week or set.day) and 1 or 0) + ((set.quarter or set.month or set.date) and 1 or 0)
    + (set.dayofyear and 1 or 0)
  if kinds > 1 then return nil end
  return set
end

function M.valid(name) return M.parts(name) ~= nil end

local function weekday_of(days) return (days + 4) % 7 end -- 0 = Sunday; 1970-01-01 was a Thursday

-- Sundays from 1 January of year y up to the day `days` (Vega's %U week number).
local function week_number(days, y)
  local first = calendar.days_from_civil(y, 1, 1)
  local first_sunday = first + (7 - weekday_of(first)) % 7
  if days < first_sunday then return 0 end
  return (days - first_sunday) // 7 + 1
end

-- M.floor(t, name) → epoch seconds of the unit's start | nil.
function M.floor(t, name)
  if t == nil then return nil end
  local u = type(name) == "table" and name or M.parts(name)
  if not u then return nil end
  local days = math.floor(t / 86400)
  local secs = t - days * 86400
  local y, m, d = calendar.civil_from_days(days)
  local year = u.year and y or REFERENCE_YEAR
  local month = u.month and m or (u.quarter and (m - 1) // 3 * 3 + 1) or 1
  local first_dow = weekday_of(calendar.days_from_civil(year, 1, 1))
  local day
  if u.week and u.day then
    day = weekday_of(days) + week_number(days, y) * 7 - (first_dow + 6) % 7
  elseif u.week then
    day = week_number(days, y) * 7 - (first_dow + 6) % 7
  elseif u.day then
    day = weekday_of(days) + 7 - (first_dow + 6) % 7
  elseif u.date then
    day = d
  elseif u.dayofyear then
    day = days - calendar.days_from_civil(y, 1, 1) + 1
  else
    day = 1
  end
  local out = (calendar.days_from_civil(year, month, 1) + day - 1) * 86400
  if u.hours then out = out + secs // 3600 * 3600 end
  if u.minutes then out = out + secs % 3600 // 60 * 60 end
  if u.seconds then out = out + math.floor(secs % 60) end
  if u.milliseconds then out = out + math.floor((secs % 1) * 1000 + 0.5) / 1000 end
  return out
end

-- The coarsest grain a unit still tells apart, for date labels of units that include the
-- year: "year", "quarter", "month", "day", "hour" or "second".
function M.grain(name)
  local u = M.parts(name) or {}
  if u.milliseconds or u.seconds then return "second" end
  if u.minutes or u.hours then return "hour" end
  if u.date or u.day or u.dayofyear or u.week then return "day" end
  if u.month then return "month" end
  if u.quarter then return "quarter" end
  return "year"
end

-- True when the unit has no year: its values repeat every year (month of year, day of week).
function M.cyclic(name)
  local u = M.parts(name)
  return u ~= nil and not u.year
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
local DAYS = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" }

-- A label for a floored value: the unit's parts in Vega-Lite's default wording
-- ("Jan", "Mon", "15", "Jan 15", "2024 Q1", "14:00", "Jan 2024").
function M.label(t, name)
  local u = M.parts(name) or {}
  local days = math.floor(t / 86400)
  local secs = t - days * 86400
  local y, m, d = calendar.civil_from_days(days)
  local out = {}
  local function add(s) out[#out + 1] = s end
  if u.month and u.date then add(("%s %d"):format(MONTHS[m], d))
  elseif u.month then add(MONTHS[m])
  elseif u.quarter then add(("Q%d"):format((m - 1) // 3 + 1))
  elseif u.date then add(("%02d"):format(d)) end
  if u.week then add(("W%02d"):format(week_number(days, y))) end
  if u.day then add(DAYS[weekday_of(days) + 1]) end
  if u.dayofyear then add(("%03d"):format(days - calendar.days_from_civil(y, 1, 1) + 1)) end
  if u.year then
    if u.month and u.date then out[#out] = out[#out] .. "," end
    if #out > 0 and u.quarter and not u.month then table.insert(out, 1, tostring(y)) else add(tostring(y)) end
  end
  if u.hours or u.minutes or u.seconds then
    local h, mi, s = secs // 3600, secs % 3600 // 60, math.floor(secs % 60)
    if u.seconds then add(("%02d:%02d:%02d"):format(h, mi, s))
    else add(("%02d:%02d"):format(h, mi)) end
  end
  if #out == 0 then return tostring(y) end
  return (table.concat(out, " "):gsub(",$", ""))
end

return M
