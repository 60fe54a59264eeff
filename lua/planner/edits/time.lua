-- Follow-up rule for time granularity: "monthly", "by quarter", "weekly totals", "per year",
-- "go daily". The chart's dates (or, for a chart that has none, the data's first date column)
-- are grouped by that unit, named as Vega-Lite names it (yearmonth = a month of a year).
local json = require "util.json"
local lex = require "planner.lexicon"
local rows = require "planner.edits.rows"
local when = require "planner.when"

local M = {}

local UNIT = { hourly = "hour", hour = "hour", hours = "hour", daily = "day", day = "day", days = "day",
  weekly = "week", week = "week", weeks = "week", monthly = "month", month = "month", months = "month",
  quarterly = "quarter", quarter = "quarter", quarters = "quarter", yearly = "year", year = "year",
  years = "year", annual = "year", annually = "year" }
-- What a unit is called in a spec (Vega-Lite's names for a period of the calendar).
M.TIME_UNIT = require("data.timeunit").PERIOD
local ADJECTIVE = { hourly = true, daily = true, weekly = true, monthly = true, quarterly = true, yearly = true,
  annual = true, annually = true }
local CUE = { by = true, per = true, each = true, every = true, ["a"] = true, into = true, to = true,
  ["in"] = true, of = true }

function M.granularity(ctx)
  local words = {}
  for i, t in ipairs(ctx.tokens) do words[i] = t.w end
  for i, t in ipairs(ctx.tokens) do
    -- "by hour of the day", "per weekday": a part of the cycle, Vega-Lite's own unit
    local cycle, last = lex.cycle_at(words, i)
    local unit = cycle or t.w and ctx:free(i) and UNIT[t.w]
    -- ("by time of day" over a column called time: the phrase, not the column alone)
    local own = ctx:mention_at(i)
    local open = ctx:free(i) or own and own.col.role == "time"
    if cycle and not (open and CUE[ctx:w(i - 1) or ""]) then unit = nil end
    -- "by month", "per quarter", "weekly": a unit word with a cue (or the adjective form)
    if unit and not ADJECTIVE[t.w] and not CUE[ctx:w(i - 1) or ""] then unit = nil end
    -- "the years" in "put the years on the x axis" is a column, read elsewhere
    if unit and not cycle and ctx:mention_at(i) then unit = nil end
    -- "by years of education", "per months of service": a duration counted, not a calendar unit
    if unit and not cycle and ctx:w(i + 1) == "of" and (ctx:mention_at(i + 2) or ctx:mention_at(i + 3)) then
      unit = nil
    end
    if unit then
      local spec, df = ctx.spec, ctx.df
      local enc = spec.encoding
      local ch, field
      for _, name in ipairs { "x", "column", "color", "y" } do
        local e = enc[name]
        if not ch and e and e.field and df.types[e.field] == "temporal" then ch, field = name, e.field end
      end
      if not ch then
        -- the chart is not over time yet: the data's first dates go on x
        for _, n in ipairs(df.names) do
          if not field and df.types[n] == "temporal" then field = n end
        end
        if not field or spec.type == "scatter" or spec.type == "histogram" or spec.type == "pie" then
          ctx:mark(i)
          ctx:note(field and ("a %s chart has no time axis to group by %s"):format(spec.type, unit)
            or "the data has no dates to group by " .. unit)
          return
        end
        ch = "x"
        local old = enc.x
        enc.x = { field = field, type = "temporal" }
        if old and old.field and not enc.color and old.type ~= "quantitative" then enc.color = old; enc.color.title = nil end
        if spec.type == "box" then
          spec.type = "line"
          require("planner.edits.channels").keep_options(spec)
        end
      end
      for k = i, cycle and last or i do ctx:mark(k) end
      if CUE[ctx:w(i - 1) or ""] then ctx:mark(i - 1) end
      enc[ch].timeUnit = cycle or M.TIME_UNIT[unit]
      enc[ch].title = nil
      ctx:edit("time")
      return
    end
  end
end

-- Windows at an end of the data's own span ------------------------------------------------

local DAY = 86400
local DAYS = { day = 1, week = 7 }
local MONTHS = { month = 1, quarter = 3, year = 12 }
local function utc(secs) return os.date("!*t", math.floor(secs)) end
local function day_of(t) return ("%04d-%02d-%02d"):format(t.year, t.month, t.day) end
local function month_start(y, m) -- m may run past 1..12
  local k = y * 12 + m - 1
  return { year = k // 12, month = k % 12 + 1, date = 1 }
end

-- The bound of the last (late) or first n units of dates lo..hi (epoch seconds), as a Vega-Lite
-- DateTime: the last ones start at it (gte), the first ones end before it (lt). Whole calendar
-- months, quarters and years; days and weeks count days back from the data's last day.
local function date_bound(lo, hi, w)
  if DAYS[w.unit] then
    local days = DAYS[w.unit] * w.n
    local secs = w.late and (hi // DAY - days + 1) * DAY or (lo // DAY + days) * DAY
    local t = utc(secs)
    return { year = t.year, month = t.month, date = t.day }
  elseif MONTHS[w.unit] then
    local t = utc(w.late and hi or lo)
    local m = t.month
    if w.unit == "quarter" then m = m - (m - 1) % 3 elseif w.unit == "year" then m = 1 end
    local months = MONTHS[w.unit] * w.n
    return w.late and month_start(t.year, m - months + MONTHS[w.unit]) or month_start(t.year, m + months)
  elseif w.unit == "hour" then
    local secs = w.late and (hi // 3600 - w.n + 1) * 3600 or (lo // 3600 + w.n) * 3600
    local t = utc(secs)
    return { year = t.year, month = t.month, date = t.day, hours = t.hour }
  end
  return nil
end

-- "last 20 years", "just the last two weeks", "only the first week", "exclude the last decade":
-- the rows of the last (or first) units of the data's own span, on the dates or years named
-- beside the words or else the chart's (rows.time_field), with a note saying which.
function M.window(ctx)
  local words = {}
  for i, t in ipairs(ctx.tokens) do words[i] = ctx:free(i) and t.w or false end
  for i in ipairs(ctx.tokens) do
    local w, after = when.window_at(words, i)
    -- "last 10 budget years", "the last 3 release years": a column of dates or years named
    -- between the count and its unit word (or ending in it)
    local m = not w and ctx:mention_at(i + 2)
    if m and m.i == i + 2 and ctx:open(m) and (m.col.years or m.col.type == "temporal") then
      for _, k in ipairs { m.j, m.j + 1 } do
        if not w and words[k] then
          w = when.window_at({ words[i], words[i + 1], words[k] }, 1)
          after = k + 1
        end
      end
      if w then ctx:take(m) end
    end
    if w then
      local unit_at = m and m.used and m or ctx:mention_at(after - 1)
      local field, temporal
      if unit_at and (unit_at.col.years or unit_at.col.type == "temporal") then
        field, temporal = ctx:take(unit_at), unit_at.col.type == "temporal"
      else
        field, temporal = rows.time_field(ctx, i, after - 1)
      end
      for k = i, after - 1 do ctx:mark(k) end
      for _, k in ipairs { i - 1, i - 2, after, after + 1 } do
        local x = ctx:w(k)
        if x == "the" or x == "only" or x == "just" or x == "of" and k >= after then ctx:mark(k) end
      end
      local unit = w.unit .. (w.n == 1 and "" or "s")
      local which = (w.late and "last " or "first ") .. (w.n == 1 and "" or w.n .. " ") .. unit
      if not field then ctx:refuse("the data has no dates or years to keep the " .. which .. " of"); return end
      local values = ctx.df.columns[field]
      local lo, hi
      for r = 1, ctx.df.nrows do
        local v = values[r]
        if type(v) == "number" then lo, hi = math.min(lo or v, v), math.max(hi or v, v) end
      end
      if not lo then ctx:refuse(field .. " has no values to keep the " .. which .. " of"); return end
      local pred, said
      if temporal then
        local bound = date_bound(lo, hi, w)
        pred = { field = field, [w.late and "gte" or "lt"] = bound }
        local day = ("%04d-%02d-%02d"):format(bound.year, bound.month, bound.date)
        said = w.late and ("from %s to %s, the data's last day"):format(day, day_of(utc(hi)))
          or ("from %s, the data's first day, to before %s"):format(day_of(utc(lo)), day)
      elseif w.unit == "year" then
        local a = w.late and hi - w.n + 1 or lo
        local b = w.late and hi or lo + w.n - 1
        pred = { field = field, range = json.array({ a, b }) }
        said = ("%s to %s"):format(math.tointeger(a) or a, math.tointeger(b) or b)
      else
        ctx:refuse(("%s holds years, so it cannot keep the %s"):format(field, which))
        return
      end
      local neg = rows.negation(ctx, i)
      rows.filter_rows(ctx, pred, neg)
      ctx:note(("%s the %s of %s: %s"):format(neg and "left out" or "kept", which, field, said))
      return
    end
  end
end

return M
