-- Alt text for the series charts (bar, line, area), written from the data the
-- chart drew: what is compared, over what, for how many series, and the extremes.
local frame = require "data.frame"
local series = require "charts.shared.series"
local timeunit = require "data.timeunit"

local M = {}


-- A date at its grain, ISO-like so screen readers and people both read it.
function M.date_text(t, grain)
  local days = math.floor(t / 86400)
  local y, m, d = frame.civil_from_days(days)
  if grain == "year" then return ("%d"):format(y) end
  if grain == "quarter" then return ("%d Q%d"):format(y, (m - 1) // 3 + 1) end
  if grain == "month" then return ("%d-%02d"):format(y, m) end
  if grain == "day" then return ("%d-%02d-%02d"):format(y, m, d) end
  local secs = t - days * 86400
  return ("%d-%02d-%02d %02d:%02d"):format(y, m, d, secs // 3600, secs % 3600 // 60)
end

-- The grain a temporal x is shown at: its time unit, else the data's own grain.
function M.grain(spec)
  local x = spec.encoding.x
  if x.timeUnit then
    local g = timeunit.grain(x.timeUnit)
    return g == "second" and "hour" or g
  end
  local g = spec.data.grain and spec.data.grain[x.field]
  if g == "datetime" then return "hour" end
  return g or "day"
end

function M.key_text(k, spec)
  local x = spec.encoding.x
  if x.type == "temporal" and type(k) == "number" then
    -- A unit without the year (month of year, day of week) reads as its name: "Mar", "Mon".
    if x.timeUnit and timeunit.cyclic(x.timeUnit) then return timeunit.label(k, x.timeUnit) end
    return M.date_text(k, M.grain(spec))
  end
  if type(k) == "number" then return M.number_text(k) end
  return tostring(k)
end

-- Up to two decimals, no trailing zeros, thousands separated: 1,234.5 / 98 / 0.25;
-- below 1, two significant digits (0.00012, not "0": alt text must not round values away).
-- decimals: exactly that many (numbers quoted together, M.model_decimals).
function M.number_text(v, decimals)
  if v ~= v then return "NaN" end
  local d = 2
  if v ~= 0 and math.abs(v) < 1 then d = math.min(12, 1 - math.floor(math.log(math.abs(v), 10))) end
  local s = ("%." .. (decimals or d) .. "f"):format(v)
  if not decimals then s = s:gsub("0+$", ""):gsub("%.$", "") end
  if s == "-0" then s = "0" end
  local sign, int, rest = s:match("^(-?)(%d+)(.*)$")
  if not int then return s end
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. int .. rest
end

-- The decimals of the numbers a sentence quotes from a series model: the data labels' rule
-- (format.decimals_apart over every value drawn), so alt text reads "52 … 88" as the bars do,
-- never "52.46" next to "88.3".
function M.model_decimals(model)
  if model.decimals_apart == nil then -- the sentence and the trend both quote numbers
    local arrays = {}
    for i, s in ipairs(model.series) do arrays[i] = s.values end
    model.decimals_apart = require("layout.format").decimals_apart_of(arrays, #model.keys)
  end
  return model.decimals_apart
end

local function lower_first(s)
  -- Keep acronyms (GDP, EU) as they are; "Revenue" reads as "revenue" mid-sentence.
  if s:match("^%u%u") then return s end
  return (s:gsub("^%u", string.lower))
end

local function plural(word)
  if word:match("[^aeiou]y$") then return word:sub(1, -2) .. "ies" end
  if word:match("[sx]$") or word:match("[cs]h$") then return word .. "es" end
  return word .. "s"
end

-- What the y axis measures, in words: "sum of revenue", "count of records", "revenue".
function M.measure(spec)
  local y = spec.encoding.y
  if y.aggregate == "count" then
    return y.field and ("count of " .. y.field) or "count of records"
  end
  local name = y.field or "value"
  if y.aggregate then
    local op = y.aggregate == "average" and "mean" or y.aggregate
    return op .. " of " .. name
  end
  return name
end

-- A value of the measure with the unit its axis shows: a column written as "58%" or "$1,200"
-- (format "percent" / "$,", chartspec.validate) reads "58%" / "$1,200" here too.
local function value_text(spec, v, d)
  local f = spec.encoding.y and spec.encoding.y.format
  local s = M.number_text(v, d)
  if f == "percent" then return s .. "%" end
  if type(f) == "string" and f:sub(1, 1) == "$" then return (s:gsub("^(-?)", "%1$")) end
  return s
end

-- One to three sentences. kind: "Bar"; model: a series model; extra: a
-- sentence to append (e.g. a line's trend).
function M.sentence(kind, spec, model)
  local enc = spec.encoding
  local xname = lower_first(enc.x.field or enc.x.title or "x")
  local parts = {}
  local prefix = kind
  if model.normalized then prefix = "100% stacked " .. kind:lower()
  elseif model.stacked then prefix = "Stacked " .. kind:lower() end
  local what = M.measure(spec)
  if model.normalized then what = "share of " .. what end
  local head = ("%s chart of %s by %s"):format(prefix, what, xname)
  if #model.series > 1 and enc.color and enc.color.field then
    head = head .. (" for %d %s"):format(#model.series, plural(lower_first(enc.color.field)))
  end
  if spec.title then head = head .. (', titled "%s"'):format(spec.title) end
  parts[1] = head .. "."
  local hi, lo = series.extremes(model)
  if not hi then
    parts[2] = "There is no data to show."
    return table.concat(parts, " ")
  end
  -- "EU in 2024-06", "EU for Widgets", "EU at t = 3"; without series just the key.
  local xtype = enc.x.type
  local d = M.model_decimals(model)
  local function cell(c)
    local where = M.key_text(c.key, spec)
    if xtype == "quantitative" then where = ("%s = %s"):format(enc.x.field, where) end
    if c.series ~= nil then
      local prep = xtype == "temporal" and " in " or (xtype == "quantitative" and " at " or " for ")
      where = tostring(c.series) .. prep .. where
    end
    return ("%s (%s)"):format(where, value_text(spec, c.value, d))
  end
  if hi.value == lo.value then
    parts[2] = ("All values are %s."):format(value_text(spec, hi.value, d))
  else
    parts[2] = ("Highest: %s; lowest: %s."):format(cell(hi), cell(lo))
  end
  return table.concat(parts, " ")
end

-- A single series' change from first to last key: "Rises from 120 in 2024-01 to 163 in 2024-06."
function M.trend(spec, model)
  if #model.series ~= 1 then return nil end
  local s = model.series[1]
  local _, first, last = series.extent(s, #model.keys)
  if not first or first == last then return nil end
  local a, b = s.values[first], s.values[last]
  local verb = b > a and "Rises" or (b < a and "Falls" or "Stays level")
  local d = M.model_decimals(model)
  return ("%s from %s in %s to %s in %s."):format(verb, value_text(spec, a, d), M.key_text(model.keys[first], spec),
    value_text(spec, b, d), M.key_text(model.keys[last], spec))
end

return M
