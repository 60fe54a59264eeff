-- Dates written the ways JavaScript's Date.parse reads them (what Vega reads in data): month
-- names ("Jan 1 2000", "January 1, 2000 10:30", "1 Jan 2000"), RFC 2822 ("Sat, 01 Jan 2000
-- 00:00:00 GMT"), slashed years ("2000/01/15 10:00:00"), and d3's strptime for format.parse
-- ("date:'%d/%m/%Y'"). Local time is UTC in chartd, as everywhere else.
local calendar = require "util.calendar"

local M = {}

local MONTHS = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9,
  oct = 10, nov = 11, dec = 12 }
local WEEKDAYS = { sun = true, mon = true, tue = true, tues = true, wed = true, thu = true, thur = true,
  thurs = true, fri = true, sat = true }

local FULL = { "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december" }

-- "Jan", "jan.", "Sept", "January" → 1..12; any other word → nil.
local function month_of(word)
  word = word:lower()
  local m = MONTHS[word:sub(1, 3)]
  if m and #word >= 3 and FULL[m]:sub(1, #word) == word then return m end
  return nil
end

local function valid(y, m, d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return false end
  local back_y, back_m = calendar.civil_from_days(calendar.days_from_civil(y, m, d))
  return back_y == y and back_m == m
end

-- "10:30", "10:30:05", "10:30:05.250", optional "am"/"pm" → seconds | nil.
local function clock(s)
  local h, mi, rest = s:match("^(%d%d?):(%d%d)(.*)$")
  if not h then return nil end
  local sec, frac = rest:match("^:(%d%d)(%.?%d*)")
  if sec then rest = rest:sub(#sec + #frac + 2) end
  local ampm = rest:match("^%s*([AaPp][Mm])$")
  if not ampm and rest:match("%S") then return nil end
  h, mi = tonumber(h), tonumber(mi)
  if ampm then
    if h < 1 or h > 12 then return nil end
    if ampm:lower() == "pm" and h < 12 then h = h + 12 elseif ampm:lower() == "am" and h == 12 then h = 0 end
  end
  local ss = tonumber(sec or 0) + (frac ~= nil and #frac > 1 and tonumber("0" .. frac) or 0)
  if h > 23 or mi > 59 or ss >= 61 then return nil end
  return h * 3600 + mi * 60 + ss
end

-- A zone after the time: GMT/UTC/Z, "+0100", "GMT+0100", "+01:00" → offset seconds | nil.
local function zone(s)
  if s == "" then return 0 end
  local t = s:gsub("^%s*", ""):upper()
  if t == "Z" or t == "GMT" or t == "UTC" or t == "UT" then return 0 end
  local sign, hh, mm = t:match("^[GMTUC]*([+-])(%d%d):?(%d%d)$")
  if not sign then return nil end
  local off = tonumber(hh) * 3600 + tonumber(mm) * 60
  return sign == "-" and -off or off
end

local function result(y, m, d, secs, off)
  if not valid(y, m, d) then return nil end
  local t = calendar.days_from_civil(y, m, d) * 86400 + (secs or 0) - (off or 0)
  return t, secs and "datetime" or "day"
end

-- Splits "date part" from an optional trailing time and zone.
local function time_tail(rest)
  rest = rest:gsub("^%s*,?%s*", "")
  if rest == "" then return nil, 0 end
  local tpart, zpart = rest:match("^(%d%d?:%d%d[:%d%.]*%s*[AaPp]?[Mm]?)(.*)$")
  if not tpart then return false end
  local secs = clock((tpart:gsub("%s+$", "")))
  local off = zone(zpart)
  if not secs or not off then return false end
  return secs, off
end

-- M.parse(s) → epoch seconds, grain ("day" | "datetime") | nil.
function M.parse(s)
  if type(s) ~= "string" or #s > 64 then return nil end
  s = s:match("^%s*(.-)%s*$")
  -- A leading weekday ("Sat, 01 Jan 2000 …", "Saturday January 1 2000").
  local wd, after = s:match("^(%a+),?%s+(.*)$")
  if wd and (WEEKDAYS[wd:lower()] or WEEKDAYS[wd:lower():sub(1, 3)] and wd:lower():match("day$")) then s = after end
  local y, m, d, rest
  -- Jan 1 2000 / January 1, 2000 / Jan 01, 2000 10:00
  local mon, dd, yy, tail = s:match("^(%a+)%.?%s+(%d%d?),?%s+(%d%d%d%d)(.*)$")
  if mon then m, d, y, rest = month_of(mon), tonumber(dd), tonumber(yy), tail end
  if not m then
    -- 1 Jan 2000 / 01 January 2000 10:00:00 GMT
    dd, mon, yy, tail = s:match("^(%d%d?)%s+(%a+)%.?,?%s+(%d%d%d%d)(.*)$")
    if dd then m, d, y, rest = month_of(mon), tonumber(dd), tonumber(yy), tail end
  end
  if not m then
    -- 2000/01/15 [10:00[:00]]
    yy, mon, dd, tail = s:match("^(%d%d%d%d)/(%d%d?)/(%d%d?)(.*)$")
    if yy then y, m, d, rest = tonumber(yy), tonumber(mon), tonumber(dd), tail end
  end
  if not m then
    -- Jan 2000 (the first of the month)
    mon, yy = s:match("^(%a+)%.?%s+(%d%d%d%d)$")
    if mon and month_of(mon) then return result(tonumber(yy), month_of(mon), 1) end
    return nil
  end
  local secs, off = time_tail(rest)
  if secs == false then return nil end
  return result(y, m, d, secs, off)
end

-- d3's strptime for format.parse "date:'…'": %Y %y %m %d %e %b %B %H %I %p %M %S %L %j %% and
-- literal characters. → epoch seconds | nil.
function M.strptime(s, fmt)
  if type(s) ~= "string" or type(fmt) ~= "string" then return nil end
  local y, m, d, H, Mi, S, L, pm = 1900, 1, 1, 0, 0, 0, 0, nil
  local pos = 1
  local i = 1
  while i <= #fmt do
    local c = fmt:sub(i, i)
    if c == "%" then
      local f = fmt:sub(i + 1, i + 1)
      i = i + 2
      local function num(maxlen)
        local digits = s:match("^%s*[+-]?%d+", pos)
        if not digits then return nil end
        local lead = digits:match("^%s*")
        local body = digits:sub(#lead + 1, #lead + maxlen)
        pos = pos + #lead + #body
        return tonumber(body)
      end
      local v
      if f == "Y" then v = num(4); y = v
      elseif f == "y" then v = num(2); if v then y = v >= 69 and 1900 + v or 2000 + v end
      elseif f == "m" then v = num(2); m = v
      elseif f == "d" or f == "e" then v = num(2); d = v
      elseif f == "H" or f == "I" then v = num(2); H = v
      elseif f == "M" then v = num(2); Mi = v
      elseif f == "S" then v = num(2); S = v
      elseif f == "L" then v = num(3); L = v
      elseif f == "j" then v = num(3); if v then m, d = 1, v end
      elseif f == "b" or f == "B" then
        local word = s:match("^%a+", pos)
        v = word and month_of(word)
        if v then m = v; pos = pos + #word end
      elseif f == "p" then
        local word = s:match("^[AaPp][Mm]", pos)
        if word then pm = word:lower() == "pm"; pos = pos + 2; v = true end
      elseif f == "%" then
        if s:sub(pos, pos) == "%" then pos = pos + 1; v = true end
      elseif f == "a" or f == "A" then
        local word = s:match("^%a+", pos)
        if word then pos = pos + #word; v = true end
      end
      if v == nil then return nil end
    else
      if s:sub(pos, pos) ~= c then return nil end
      pos = pos + 1
      i = i + 1
    end
  end
  if pos <= #s then return nil end
  if pm ~= nil then
    if pm and H < 12 then H = H + 12 elseif not pm and H == 12 then H = 0 end
  end
  if m < 1 or m > 12 or H > 23 or Mi > 59 or S > 60 then return nil end
  local days = calendar.days_from_civil(y, m, 1) + d - 1
  return days * 86400 + H * 3600 + Mi * 60 + S + L / 1000
end

return M
