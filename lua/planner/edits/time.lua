-- Follow-up rule for time granularity: "monthly", "by quarter", "weekly totals", "per year",
-- "go daily". The chart's dates (or, for a chart that has none, the data's first date column)
-- are grouped by that unit, named as Vega-Lite names it (yearmonth = a month of a year).
local lex = require "planner.lexicon"

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

return M
