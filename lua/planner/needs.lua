-- The no-data path of the offline planner: from the request alone, the chart
-- type and the fields it needs (a period and its unit, named categories, the
-- measure), so data synthesis can make data that fits.
local timeunit = require "data.timeunit"
local lex = require "planner.lexicon"

local M = {}

local UNIT_WORDS = { yearly = "year", annual = "year", annually = "year", quarterly = "quarter",
  monthly = "month", weekly = "week", daily = "day" }
local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7,
  august = 8, september = 9, october = 10, november = 11, december = 12, jan = 1, feb = 2, mar = 3,
  apr = 4, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9, oct = 10, nov = 11, dec = 12 }

local function word(tokens, i)
  local t = tokens[i]
  return t and t.w
end

-- The time unit the request names: "quarterly", "by month", "per week", "each day".
function M.unit(tokens)
  for i, t in ipairs(tokens) do
    if t.w then
      if UNIT_WORDS[t.w] then return UNIT_WORDS[t.w] end
      local prev = word(tokens, i - 1)
      if lex.time_unit[t.w] and (prev == "by" or prev == "per" or prev == "each" or prev == "every"
          or prev == "over" or prev == "of" or prev == "across") then
        return lex.time_unit[t.w]
      end
    end
  end
  return nil
end

local function days_in_month(y, m)
  local d = ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
  if m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) then d = 29 end
  return d
end

-- The period the request names → { from = "2023-01-01", to = "2024-12-31" } or { last = 12, unit = "month" } | nil.
function M.period(text, tokens)
  local years = {}
  for y in text:gmatch("%f[%d](%d%d%d%d)%f[%D]") do
    local n = tonumber(y)
    if n >= 1900 and n <= 2100 then years[#years + 1] = n end
  end
  local month_from, month_to
  for i, t in ipairs(tokens) do
    local m = t.w and MONTHS[t.w]
    -- "may" is also a verb: only as a month next to a year or another month
    if m and (t.w ~= "may" or tonumber(word(tokens, i + 1) or "")) then
      if not month_from then month_from = m else month_to = m end
    end
  end
  if #years > 0 then
    local lo, hi = years[1], years[#years]
    if lo > hi then lo, hi = hi, lo end
    local m1, m2 = month_from or 1, month_to or (month_from and #years == 1 and not month_to and month_from) or 12
    if month_from and not month_to and #years == 1 then m2 = 12 end
    return { from = string.format("%04d-%02d-01", lo, m1),
      to = string.format("%04d-%02d-%02d", hi, m2, days_in_month(hi, m2)) }
  end
  for i, t in ipairs(tokens) do
    if (t.w == "last" or t.w == "past") then
      local n = tonumber(word(tokens, i + 1) or "")
      local u = lex.time_unit[word(tokens, n and i + 2 or i + 1) or ""]
      if u then return { last = n and math.tointeger(n) or 1, unit = u } end
    end
  end
  return nil
end

-- Category lists written out: "EMEA, APAC and Americas", "North, South, East", "Q1 or Q2".
-- Items are 1–3 capitalised words; a list has at least two items joined by commas and/or "and"/"or".
local function caps(w)
  return w:match("^%u") ~= nil and not MONTHS[w:lower()] and not lex.chart[w:lower()]
end

function M.categories(text)
  local best
  for clause in text:gmatch("[^;%.%(%)]+") do
    local s = clause:gsub("%s+&%s+", ", "):gsub("%s+and%s+", ", "):gsub("%s+or%s+", ", ")
    local pieces = {}
    for piece in (s .. ","):gmatch("([^,]*),") do
      local words = {}
      for w in piece:gmatch("[^%s]+") do words[#words + 1] = w end
      pieces[#pieces + 1] = words
    end
    for start = 1, #pieces do
      local words = pieces[start]
      -- the first item is the capitalised tail of its piece ("for EMEA" → "EMEA")
      local k = #words
      while k >= 1 and caps(words[k]) and #words - k < 3 do k = k - 1 end
      if k < #words then
        local items = { table.concat(words, " ", k + 1) }
        local n = start + 1
        while pieces[n] do
          local p = pieces[n]
          local all = #p >= 1 and #p <= 3
          for _, w in ipairs(p) do if not caps(w) then all = false end end
          if all then
            items[#items + 1] = table.concat(p, " ")
            n = n + 1
          else
            -- the last item is the capitalised head of its piece ("Americas as a bar" → "Americas")
            local h = 0
            while h < #p and h < 3 and caps(p[h + 1]) do h = h + 1 end
            if h > 0 then items[#items + 1] = table.concat(p, " ", 1, h) end
            break
          end
        end
        if #items >= 2 and (not best or #items > #best) then best = items end
      end
    end
  end
  return best
end

-- Strips a trailing "as a stacked bar" etc. from the last category.
local function clean_categories(cats)
  if not cats then return nil end
  local out = {}
  for _, c in ipairs(cats) do out[#out + 1] = c end
  return out
end

local GROUP_PREPS = { by = true, per = true, each = true, across = true, every = true }

-- The grouping noun ("by region", "per product"), not a time unit.
local function group_name(tokens)
  for i, t in ipairs(tokens) do
    if t.w and GROUP_PREPS[t.w] then
      local k = i + 1
      if word(tokens, k) == "each" then k = k + 1 end
      local w = word(tokens, k)
      if w and not lex.time_unit[w] and not lex.stop[w] and not tonumber(w) and not w:match("^%d") then
        return lex.stem(w)
      end
    end
  end
  return nil
end

local FILLER = { showing = true, chart = true, graph = true, plot = true, please = true, illustrate = true,
  compare = true, comparison = true, breakdown = true, trend = true, trends = true, growth = true }

-- The measure: the words right after an aggregation word, else the first content words
-- that are not a period, unit, chart word, category or option.
function M.measure(tokens, cats)
  local skip = {}
  for _, c in ipairs(cats or {}) do
    for w in c:lower():gmatch("%S+") do skip[w] = true end
  end
  local function content(w)
    return w and not lex.stop[w] and not skip[w] and not lex.time_unit[w] and not UNIT_WORDS[w]
      and not MONTHS[w] and not tonumber(w) and not w:match("^%d") and not lex.chart[w] and not FILLER[w]
      and not lex.time_words[w] and not lex.share[w] and not lex.distribution[w] and not lex.relation[w]
      and not lex.count[w] and w ~= "stacked" and w ~= "grouped" and w ~= "theme"
  end
  local names = {}
  local i = 1
  while i <= #tokens do
    local t = tokens[i]
    if content(t.w) and not (GROUP_PREPS[word(tokens, i - 1) or ""]) and word(tokens, i - 1) ~= "for" then
      local parts = { t.w }
      local k = i + 1
      while content(word(tokens, k)) and #parts < 3 do
        parts[#parts + 1] = word(tokens, k)
        k = k + 1
      end
      names[#names + 1] = table.concat(parts, " ")
      i = k
    else
      i = i + 1
    end
  end
  return names
end

local function title_case(s)
  return (s:gsub("^%l", string.upper))
end

-- plan(prompt, tokens, named_chart) → spec with a `needs` table.
function M.plan(prompt, tokens, named)
  local unit = M.unit(tokens)
  local period = M.period(prompt, tokens)
  local cats = clean_categories(M.categories(prompt))
  local group = group_name(tokens)
  local wants_time = unit ~= nil or period ~= nil
  for _, t in ipairs(tokens) do
    if t.w and lex.time_words[t.w] and t.w ~= "trend" then wants_time = true end
    if t.w == "trend" or t.w == "trends" then wants_time = true end
  end
  local measures = M.measure(tokens, cats)
  local share, dist, rel, count = false, false, false, false
  for _, t in ipairs(tokens) do
    if t.w then
      share = share or lex.share[t.w] ~= nil
      dist = dist or lex.distribution[t.w] ~= nil
      rel = rel or lex.relation[t.w] ~= nil
      count = count or lex.count[t.w] ~= nil or t.w == "number"
    end
  end
  local agg
  for _, t in ipairs(tokens) do
    if t.w and lex.aggregate[t.w] and not lex.superlative[t.w] then agg = lex.aggregate[t.w]; break end
  end
  if group and #measures > 0 and measures[1] == group then table.remove(measures, 1) end
  local measure = measures[1] or (count and "count") or "value"
  if cats and not group then
    local places = 0
    for _, c in ipairs(cats) do if lex.places[c:lower()] then places = places + 1 end end
    group = places * 2 >= #cats and "region" or "category"
  end

  local kind = named
  if not kind then
    if share and not wants_time then kind = "pie"
    elseif rel and #measures >= 2 then kind = "scatter"
    elseif dist and not wants_time then kind = "histogram"
    elseif wants_time then kind = "line"
    else kind = "bar" end
  end

  local spec = { type = kind, encoding = {}, needs = {} }
  local enc, need = spec.encoding, spec.needs
  if kind == "scatter" then
    local ymeasure, xmeasure = measures[1] or "y", measures[2] or "x"
    enc.x = { field = xmeasure, type = "quantitative" }
    enc.y = { field = ymeasure, type = "quantitative" }
    need.x = { kind = "quantitative", name = xmeasure }
    need.y = { kind = "quantitative", name = ymeasure, correlated_with = "x" }
    if group then
      enc.color = { field = group, type = "nominal" }
      need.color = { kind = "nominal", name = group, categories = cats }
    end
    spec.title = title_case(ymeasure) .. " vs " .. xmeasure
    return spec
  end
  if kind == "histogram" or kind == "box" then
    local m = measure ~= "count" and measure or "value"
    if kind == "histogram" then
      enc.x = { field = m, type = "quantitative", bin = true }
      enc.y = { aggregate = "count", type = "quantitative", title = "Count" }
      need.x = { kind = "quantitative", name = m, distribution = "normal" }
    else
      enc.x = { field = group or "group", type = "nominal" }
      enc.y = { field = m, type = "quantitative" }
      need.x = { kind = "nominal", name = group or "group", categories = cats }
      need.y = { kind = "quantitative", name = m, distribution = "normal" }
    end
    spec.title = "Distribution of " .. m
    return spec
  end
  local yagg = agg or (measure == "count" and "count") or "sum"
  local ych = measure == "count" and { aggregate = "count", type = "quantitative", title = "Count" }
    or { field = measure, type = "quantitative", aggregate = yagg }
  need.y = { kind = "quantitative", name = measure }
  if kind == "pie" then
    enc.theta = ych
    enc.color = { field = group or "category", type = "nominal" }
    need.color = { kind = "nominal", name = group or "category", categories = cats, parts_of_whole = true }
    spec.title = title_case(measure) .. " by " .. (group or "category")
    return spec
  end
  if wants_time then
    unit = unit or (period and period.from and period.to and
      (tonumber(period.to:sub(1, 4)) - tonumber(period.from:sub(1, 4)) >= 4 and "year" or "month")) or "month"
    local field = unit == "day" and "date" or unit
    enc.x = { field = field, type = "temporal", timeUnit = timeunit.PERIOD[unit] }
    need.x = { kind = "temporal", name = field, unit = unit }
    if period then
      for k, v in pairs(period) do need.x[k] = v end
    end
    if cats or group then
      enc.color = { field = group, type = "nominal" }
      need.color = { kind = "nominal", name = group, categories = cats }
    end
    spec.title = title_case(measure) .. " by " .. unit
  else
    local g = group or "category"
    enc.x = { field = g, type = "nominal" }
    need.x = { kind = "nominal", name = g, categories = cats }
    spec.title = title_case(measure) .. " by " .. g
  end
  enc.y = ych
  for _, t in ipairs(tokens) do
    if t.w == "stacked" or t.w == "stack" then spec.options = { stacked = true } end
  end
  return spec
end

return M
