-- The time axis of synthesized data: the periods a request names ("2023–2024", "last 12
-- months", "in March 2024") as a list of { label =, y =, m =, d =, h = } in order.
local frame = require "data.frame"
local timeunit = require "data.timeunit"

local M = {}

-- Points when the request names a unit but no period; MAX caps a long span at its latest part.
M.DEFAULT_COUNT = { year = 10, quarter = 8, month = 24, week = 52, day = 90, hour = 48 }
M.MAX_COUNT = { year = 60, quarter = 80, month = 240, week = 260, day = 400, hour = 24 * 14 }

-- A period word ("month") or a Vega-Lite unit that keeps the year ("yearmonth").
function M.unit(u)
  u = timeunit.period_of(u) or u
  return M.DEFAULT_COUNT[u] and u or nil
end

local function label(unit, y, m, d, h)
  if unit == "year" then return y end -- an integer: a spec forces 4-digit numbers to years
  if unit == "quarter" then return ("%04d-Q%d"):format(y, (m - 1) // 3 + 1) end
  if unit == "month" then return ("%04d-%02d"):format(y, m) end
  if unit == "hour" then return ("%04d-%02d-%02dT%02d:00:00Z"):format(y, m, d, h) end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

-- The start of the period containing (y, m, d) → y, m, d.
local function floor_to(unit, y, m, d)
  if unit == "year" then return y, 1, 1 end
  if unit == "quarter" then return y, (m - 1) // 3 * 3 + 1, 1 end
  if unit == "month" then return y, m, 1 end
  if unit == "week" then -- ISO weeks start on Monday; 1970-01-01 was a Thursday
    local days = frame.days_from_civil(y, m, d)
    return frame.civil_from_days(days - (days + 3) % 7)
  end
  return y, m, d
end

-- The next period start after (y, m, d, h).
local function step(unit, y, m, d, h)
  if unit == "year" then return y + 1, 1, 1, 0 end
  if unit == "quarter" or unit == "month" then
    local k = unit == "quarter" and 3 or 1
    local mm = m + k
    return y + (mm - 1) // 12, (mm - 1) % 12 + 1, 1, 0
  end
  if unit == "hour" then
    if h < 23 then return y, m, d, h + 1 end
    local ny, nm, nd = frame.civil_from_days(frame.days_from_civil(y, m, d) + 1)
    return ny, nm, nd, 0
  end
  local ny, nm, nd = frame.civil_from_days(frame.days_from_civil(y, m, d) + (unit == "week" and 7 or 1))
  return ny, nm, nd, 0
end

local function back(unit, y, m, d, n)
  if unit == "year" then return y - n, 1, 1 end
  if unit == "quarter" or unit == "month" then
    local k = (unit == "quarter" and 3 or 1) * n
    local idx = y * 12 + (m - 1) - k
    return idx // 12, idx % 12 + 1, 1
  end
  local days = unit == "week" and 7 * n or (unit == "hour" and (n + 23) // 24 or n)
  return frame.civil_from_days(frame.days_from_civil(y, m, d) - days)
end

local function ymd(s)
  local y, m, d = tostring(s or ""):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
  if y then return tonumber(y), tonumber(m), tonumber(d) end
  return nil
end

-- periods(unit, need, today) → list. need: { from =, to = } | { last = n, unit = } | nil;
-- today = { year =, month =, day = } anchors "last N" and the default span (the latest
-- complete periods), so a default chart looks current.
function M.list(unit, need, today)
  unit = M.unit(unit) or "month"
  need = need or {}
  local fy, fm, fd = ymd(need.from)
  local ty, tm, td = ymd(need.to)
  if not (fy and ty) then
    local count = need.last and need.unit and M.unit(need.unit) == unit and need.last or M.DEFAULT_COUNT[unit]
    if need.last and need.unit and M.unit(need.unit) ~= unit then
      -- "last 2 years by month": as many units as fit the named span
      local per = { year = 1, quarter = 4, month = 12, week = 52, day = 365, hour = 8760 }
      local span_unit = M.unit(need.unit)
      if span_unit and per[span_unit] and per[unit] then
        count = math.max(2, math.floor(need.last * per[unit] / per[span_unit] + 0.5))
      end
    end
    count = math.min(count, M.MAX_COUNT[unit])
    -- the latest complete period ends before today's period starts
    local cy, cm, cd = floor_to(unit, today.year, today.month, today.day)
    fy, fm, fd = back(unit, cy, cm, cd, count)
    ty, tm, td = back(unit, cy, cm, cd, 1)
    if unit == "hour" then ty, tm, td = cy, cm, cd end
  end
  local y, m, d = floor_to(unit, fy, fm, fd)
  local h = 0
  local stop = frame.days_from_civil(ty, tm, td)
  local out = {}
  while frame.days_from_civil(y, m, d) <= stop do
    out[#out + 1] = { label = label(unit, y, m, d, h), y = y, m = m, d = d, h = h }
    y, m, d, h = step(unit, y, m, d, h)
  end
  local max = M.MAX_COUNT[unit]
  if #out > max then -- keep the latest part of a very long span
    local keep = {}
    for i = #out - max + 1, #out do keep[#keep + 1] = out[i] end
    out = keep
  end
  return out, unit
end

return M
