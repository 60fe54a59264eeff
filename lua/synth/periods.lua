-- The time axis of synthesized data: the windows planner.when read from a request ("last 30
-- days", "weekly in Q3", "since 2019"), resolved against a day, as a list of points
-- { label =, y =, m =, d =, h = } at a grain; and the grain that fits a window.
local calendar = require "util.calendar"
local timeunit = require "data.timeunit"

local M = {}

M.UNITS = { "hour", "day", "week", "month", "quarter", "year" }
-- Points when the request names a unit but no window; MAX caps a long span at its latest part.
M.DEFAULT_COUNT = { year = 10, quarter = 8, month = 24, week = 52, day = 90, hour = 48 }
M.MAX_COUNT = { year = 200, quarter = 120, month = 240, week = 260, day = 400, hour = 24 * 14 }
-- The finest grain whose points stay within these is the one that fits a window.
M.FIT_COUNT = { hour = 48, day = 62, week = 20, month = 72, quarter = 48, year = math.huge }
-- "last 30 days" keeps its own unit as the grain from this many units up ("past 5 years" is
-- drawn by month).
M.OWN_UNIT_FROM = 6

-- A period word ("month") or a Vega-Lite unit that keeps the year ("yearmonth").
function M.unit(u)
  u = timeunit.period_of(u) or u
  return M.DEFAULT_COUNT[u] and u or nil
end

-- Today as { year, month, day }: the given one (tests fix it), else the UTC date.
function M.today(given)
  if type(given) == "table" and given.year then return given end
  local t = os.date("!*t")
  return { year = t.year, month = t.month, day = t.day }
end

-- Positions are hours since 1970-01-01 (UTC), so hourly and calendar periods share one line.
local function hours(y, m, d, h)
  return calendar.days_from_civil(y, m, d) * 24 + (h or 0)
end

local function civil(p)
  local y, m, d = calendar.civil_from_days(p // 24)
  return y, m, d, p % 24
end

-- The start of the period of `unit` containing position p.
local function floor_to(unit, p)
  if unit == "hour" then return p end
  local y, m, d = civil(p)
  if unit == "day" then return hours(y, m, d) end
  if unit == "week" then -- ISO weeks start on Monday; 1970-01-01 was a Thursday
    local days = p // 24
    return (days - (days + 3) % 7) * 24
  end
  if unit == "month" then return hours(y, m, 1) end
  if unit == "quarter" then return hours(y, (m - 1) // 3 * 3 + 1, 1) end
  return hours(y, 1, 1)
end

local function add_months(p, n)
  local y, m, d, h = civil(p)
  local idx = y * 12 + (m - 1) + n
  local ny, nm = idx // 12, idx % 12 + 1
  local last = calendar.days_from_civil(nm == 12 and ny + 1 or ny, nm % 12 + 1, 1)
    - calendar.days_from_civil(ny, nm, 1)
  return hours(ny, nm, math.min(d, last), h)
end

-- p moved by n units.
local function add(unit, p, n)
  if unit == "hour" then return p + n end
  if unit == "day" then return p + 24 * n end
  if unit == "week" then return p + 24 * 7 * n end
  if unit == "month" then return add_months(p, n) end
  if unit == "quarter" then return add_months(p, 3 * n) end
  return add_months(p, 12 * n)
end

-- A period ref → start, stop (positions; stop exclusive). `near` is the position a ref
-- without a year is placed against: the latest one begun by then, or with after = true the
-- first one starting at or after it.
local function bounds(ref, now, near, after)
  if ref.rel then
    local s = add(ref.rel, floor_to(ref.rel, now), ref.offset or 0)
    return s, add(ref.rel, s, 1)
  end
  local y = ref.y
  if not y then
    local ny = civil(near)
    y = ny
    local s = hours(y, ref.m or 1, ref.d or 1)
    if after then
      if s < floor_to("day", near) then y = y + 1 end
    elseif s > near then
      y = y - 1
    end
  end
  local s = hours(y, ref.m or 1, ref.d or 1)
  if ref.days then return s, s + 24 * ref.days end
  return s, add_months(s, ref.months or 12)
end

-- A range at a grain → start, stop (positions) | nil, stop for an open start.
local function span(range, unit, now)
  if range.last then
    local stop = floor_to(unit, now)
    return add(range.unit, stop, -range.last), stop
  end
  if range["next"] then
    local start = add(unit, floor_to(unit, now), 1)
    return start, add(range.unit, start, range["next"])
  end
  local from, to = range.from, range.to
  if not from then return nil, select(2, bounds(to, now, now)) end
  if not to then return (bounds(from, now, now)), floor_to("day", now) + 24 end -- "since 2019"
  local function with_year(ref, y) -- a copy of ref in year y
    return { y = y, m = ref.m, d = ref.d, months = ref.months, days = ref.days }
  end
  -- a year on the end names the start's too: "Jan–Jun 2024", "March to June 2024"
  if not from.y and to.y and not from.rel then
    local ts = bounds(to, now, now)
    from = with_year(from, civil(ts))
    if hours(from.y, from.m or 1, from.d or 1) > ts then from = with_year(from, from.y - 1) end
  end
  local s = bounds(from, now, now)
  local _, e = bounds(to, now, s, true)
  -- neither end has a year: the latest complete one ("November to February" in December)
  if not range.from.y and not to.y and not from.rel and not to.rel and e > floor_to("day", now) + 24 then
    s = bounds(with_year(from, civil(s) - 1), now, now)
    _, e = bounds(to, now, s, true)
  end
  return s, e
end

-- The window of all ranges at a grain → start, stop; a window never runs past today unless it
-- lies wholly in the future ("next 12 months").
local function window(ranges, unit, now)
  local s, e, future
  for _, r in ipairs(ranges) do
    local rs, re = span(r, unit, now)
    if not rs then rs = add(unit, floor_to(unit, re - 1), -(M.DEFAULT_COUNT[unit] - 1)) end
    if not s or rs < s then s = rs end
    if not e or re > e then e = re end
    future = future or r["next"] ~= nil
  end
  local today_end = floor_to("day", now) + 24
  if not future and s < today_end and e > today_end then e = today_end end
  if e <= s then e = add(unit, s, 1) end
  return s, e
end

local function label(unit, y, m, d, h)
  if unit == "year" then return y end -- an integer: a spec forces 4-digit numbers to years
  if unit == "quarter" then return ("%04d-Q%d"):format(y, (m - 1) // 3 + 1) end
  if unit == "month" then return ("%04d-%02d"):format(y, m) end
  if unit == "hour" then return ("%04d-%02d-%02dT%02d:00:00Z"):format(y, m, d, h) end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

local function count(unit, s, e)
  local n, p = 0, floor_to(unit, s)
  while p < e do
    n = n + 1
    p = add(unit, p, 1)
    if n > M.MAX_COUNT[unit] then break end
  end
  return n
end

local function now_of(today)
  return hours(today.year, today.month, today.day)
end

-- The grain that fits ranges: the unit of "last N units" for N of OWN_UNIT_FROM or more,
-- else the finest unit whose points stay within FIT_COUNT.
function M.grain(ranges, today)
  if not ranges or #ranges == 0 then return nil end
  local now = now_of(M.today(today))
  if #ranges == 1 and ranges[1].last and ranges[1].last >= M.OWN_UNIT_FROM then return ranges[1].unit end
  for _, u in ipairs(M.UNITS) do
    local s, e = window(ranges, u, now)
    if count(u, s, e) <= M.FIT_COUNT[u] then return u end
  end
  return "year"
end

-- list(unit, need, today) → points, unit. need.ranges as planner.when reads them; without
-- them the latest DEFAULT_COUNT complete periods, so a default chart looks current.
function M.list(unit, need, today)
  unit = M.unit(unit) or "month"
  local now = now_of(M.today(today))
  local ranges = need and need.ranges
  if not ranges or #ranges == 0 then ranges = { { last = M.DEFAULT_COUNT[unit], unit = unit } } end
  local s, e = window(ranges, unit, now)
  -- a very long span keeps its latest MAX_COUNT points
  s = math.max(floor_to(unit, s), add(unit, floor_to(unit, e - 1), -(M.MAX_COUNT[unit] - 1)))
  local out = {}
  local p = s
  while p < e do
    local y, m, d, h = civil(p)
    out[#out + 1] = { label = label(unit, y, m, d, h), y = y, m = m, d = d, h = h }
    p = add(unit, p, 1)
  end
  return out, unit
end

return M
