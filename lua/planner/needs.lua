-- The no-data path of the offline planner: from the request alone, the chart type and the
-- fields it needs — a time window and its grain (planner.when), named categories or a named
-- kind of thing (synth.vocab), the measure and its aggregate — so data synthesis can make
-- data that fits. A request that names no measure, chart or topic chartd knows gets
-- not_a_chart_request with example requests instead of an invented chart.
local errors = require "util.errors"
local timeunit = require "data.timeunit"
local lex = require "planner.lexicon"
local periods = require "synth.periods"
local vocab = require "synth.vocab"
local when = require "planner.when"

local M = {}

-- Example requests offered when a prompt is not a chart request.
M.SUGGESTIONS = {
  "revenue by month over the last 12 months",
  "temperature in Paris over the last 30 days",
  "market share of smartphone brands",
  "top 10 programming languages by popularity",
}

-- Words that ask for a chart whatever else the request says. Chart type names that are also
-- ordinary words (line, area, box, calendar, rose) count only as offline.named_chart reads them.
local CHART_WORDS = {}
for w in ([[chart charts graph graphs plot plots plotted plotting diagram diagrams visualize visualise
    visualization visualisation visualizations infographic histogram histograms scatterplot scatterplots
    boxplot boxplots heatmap heatmaps treemap treemaps sankey sunburst sparkline sparklines streamgraph
    candlestick candlesticks hexbin waterfall lollipop dumbbell ecdf violin donut doughnut pie piechart
    barchart linechart barplot lineplot dataviz]]):gmatch("%a+") do
  CHART_WORDS[w] = true
end
-- Words that ask about data: a trend, a ranking, a breakdown.
local DATA_WORDS = { trend = true, trends = true, breakdown = true, ranking = true, rankings = true,
  distribution = true, correlation = true, proportion = true, proportions = true, percentage = true,
  percentages = true, share = true, shares = true, composition = true, frequency = true, statistics = true,
  stats = true, metrics = true, kpi = true, kpis = true }
local RANK_UP = { top = true, most = true, largest = true, biggest = true, highest = true, best = true,
  leading = true, popular = true, ranked = true, ranking = true }
local RANK_DOWN = { bottom = true, least = true, lowest = true, smallest = true, worst = true, fewest = true }
-- "revenue per user" is a ratio (it averages); "revenue per store" groups by store.
local PER_UNIT = { capita = true, person = true, head = true, user = true, customer = true, employee = true,
  visitor = true, order = true, member = true, student = true, patient = true, household = true,
  inhabitant = true, resident = true, subscriber = true, player = true, game = true, transaction = true }
local FILLER = { showing = true, chart = true, graph = true, plot = true, please = true, illustrate = true,
  compare = true, comparison = true, breakdown = true, trend = true, trends = true,
  top = true, bottom = true, ranking = true, ranked = true, popular = true, largest = true, biggest = true,
  leading = true, best = true, worst = true, hi = true, hello = true, hey = true,
  kindly = true, want = true, need = true, like = true, tell = true, know = true, look = true,
  interested = true, quick = true, simple = true, nice = true, pretty = true, overview = true,
  stats = true, statistics = true, metrics = true, kpi = true, kpis = true, illustrative = true,
  sample = true, dummy = true, fake = true, example = true, mock = true, made = true, random = true,
  pls = true, plz = true, pleas = true, thx = true, thank = true, thanks = true, ok = true, okay = true }
local GROUP_PREPS = { by = true, per = true, each = true, across = true, every = true }
-- Stop words that end a measure's name after another word ("delivery time", "wait times").
local HEADS = { time = true, times = true }
-- Chart types whose x is time unless the request names categories.
local TIME_CHARTS = { line = true, area = true }

-- Whether a window is a stretch of time ("last 90 days", "since 2019", "2010-2020"), not one
-- calendar period ("in 2024", "last year"; planner.when reads one period as from = to).
local function stretch(ranges)
  for _, r in ipairs(ranges or {}) do
    if r.last or r["next"] or (r.from and r.from ~= r.to) then return true end
  end
  return false
end
-- A window after one of these is a time axis; otherwise, next to categories, it is a filter
-- ("sales by department in 2024" is a bar chart of departments).
local OVER = { over = true, throughout = true, trend = true, trends = true, evolution = true, history = true,
  timeline = true, historical = true, evolve = true, evolved = true, changed = true, change = true }

local function word(tokens, i)
  local t = tokens[i]
  return t and t.w
end

-- Category lists written out: "EMEA, APAC and Americas", "North, South, East", "Q1 or Q2".
-- Items are 1–3 capitalised words; a list has at least two items joined by commas and/or "and"/"or".
local function caps(w)
  return w:match("^%u") ~= nil and not when.MONTHS[w:lower()] and not lex.chart[w:lower()]
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

-- The grouping noun ("by region", "per product", "based on their origin"), not a time unit,
-- a ratio's unit or a measure ("acceleration by weight" sets two measures against each other).
local function group_name(tokens, skip)
  for i, t in ipairs(tokens) do
    local prep = t.w and (GROUP_PREPS[t.w] or (t.w == "on" and word(tokens, i - 1) == "based"))
    if prep and not skip[i] then
      local k = i + 1
      local nxt = word(tokens, k)
      if nxt == "each" or nxt == "the" or nxt == "their" or nxt == "its" then k = k + 1 end
      local w = word(tokens, k)
      if w and not skip[k] and not lex.stop[w] and not lex.share[w] and not tonumber(w) and not w:match("^%d")
          and not when.is_time_word(w) and not (t.w == "per" and PER_UNIT[lex.stem(w)])
          and not vocab.is_measure_word(w) then
        return lex.stem(w), k
      end
    end
  end
  return nil
end

-- Words that are not a measure: function words, chart words, time words, numbers, options.
local function content(w)
  return w and not lex.stop[w] and not lex.chart[w] and not CHART_WORDS[w] and not FILLER[w]
    and not tonumber(w) and not w:match("^%d") and not when.is_time_word(w) and not lex.time_words[w]
    and not lex.distribution[w] and not lex.relation[w] and not lex.count[w] and not lex.aggregate[w]
    and w ~= "stacked" and w ~= "grouped" and w ~= "theme"
end

-- The measures a request names, as phrases of up to 3 content words ("active users",
-- "market share", "revenue per user"); `skip` marks tokens taken by kinds, categories and time.
function M.measures(tokens, skip)
  local names = {}
  local i = 1
  while i <= #tokens do
    local t = tokens[i]
    if not skip[i] and content(t.w) then
      local parts, k = { t.w }, i + 1
      -- "time" is a stop word but heads a measure after another word ("delivery time")
      while #parts < 3 and not skip[k] and (content(word(tokens, k)) or HEADS[word(tokens, k)]) do
        parts[#parts + 1] = word(tokens, k)
        k = k + 1
      end
      -- "revenue per user", "GDP per capita": the ratio's unit is part of the name
      if word(tokens, k) == "per" and PER_UNIT[lex.stem(word(tokens, k + 1) or "")] then
        parts[#parts + 1] = "per " .. word(tokens, k + 1)
        k = k + 2
      end
      local name = table.concat(parts, " ")
      if #parts == 1 and lex.share[t.w] then
        -- "percentage of developers" is a percentage; "share of sales" is sales, in parts
        local nxt = word(tokens, k + 1)
        if word(tokens, k) == "of" and not skip[k + 1] and content(nxt) and not t.w:match("^share") then
          names[#names + 1] = name .. " of " .. nxt
          k = k + 2
        end
      else
        names[#names + 1] = name
      end
      i = k
    else
      i = i + 1
    end
  end
  return names
end

-- Whether the words ask for a chart: a chart word, a measure, a kind of thing, an aggregate,
-- a count, a grain, a ranking or a breakdown. Greetings and questions about anything else
-- ("what's the weather like?") do not.
local function asks_for_chart(tokens, named, kinds_found, reading, cats)
  if named or kinds_found or reading.unit then return true end
  for i, t in ipairs(tokens) do
    local w = t.w
    if w then
      if CHART_WORDS[w] or DATA_WORDS[w] or vocab.is_measure_word(w) then return true end
      if lex.aggregate[w] and not lex.superlative[w] and word(tokens, i + 1) then return true end
      if lex.count[w] or (w == "number" and word(tokens, i + 1) == "of")
          or (w == "many" and word(tokens, i - 1) == "how") then return true end
      if (RANK_UP[w] or RANK_DOWN[w]) and when.number(word(tokens, i + 1)) then return true end
      if w == "over" and word(tokens, i + 1) == "time" then return true end
      if lex.distribution[w] and word(tokens, i + 1) == "of" then return true end -- "the spread of X"
      -- things counted by a category: "movies by creative type"
      if w == "by" and i > 1 and content(word(tokens, i - 1)) and content(word(tokens, i + 1))
          and select(2, vocab.profile(word(tokens, i - 1))) == "count" then
        return true
      end
      -- two things set against each other: "horsepower vs acceleration", "correlate X and Y"
      if lex.relation[w] or w == "correlate" or w == "compared" then
        local before, after = false, false
        for k = i - 3, i - 1 do before = before or content(word(tokens, k)) end
        for k = i + 1, i + 3 do after = after or content(word(tokens, k)) end
        if before and after then return true end
      end
    end
  end
  return cats ~= nil and reading.ranges ~= nil
end

local function not_a_chart(prompt)
  local shown = prompt:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if #shown > 60 then shown = shown:sub(1, 57) .. "..." end
  local e = errors.new("not_a_chart_request", "prompt", ("%q names no measure, chart type or topic chartd "
    .. "knows, so there is nothing to draw; ask for a chart, for example %q"):format(shown, M.SUGGESTIONS[1]))
  e.suggestions = M.SUGGESTIONS
  return e
end

-- The count a request gives a kind: "top 5 car makers", "10 most popular languages", "five fruits".
local function kind_count(tokens, first, reading)
  for k = first - 1, math.max(1, first - 4), -1 do
    local t = tokens[k]
    if not t.w then break end
    local n = when.number(t.w)
    if n and n >= 1 and n <= 100 and not reading.words[t.w] then return n end
  end
  for i, t in ipairs(tokens) do
    if (t.w == "top" or t.w == "bottom") then
      local n = when.number(word(tokens, i + 1))
      if n and n >= 1 then return math.min(n, 100) end
    end
  end
  return nil
end

local function title_case(s)
  return (s:gsub("^%l", string.upper))
end

-- A phrase as the request wrote it ("paris" → "Paris", "nyc" → "NYC").
local function as_written(prompt, phrase)
  local at = prompt:lower():find(phrase, 1, true)
  return at and prompt:sub(at, at + #phrase - 1) or phrase
end

-- A dimension of categories: a named kind, categories written out, or a grouping noun.
local function category_dims(tokens, prompt, reading, skip)
  local dims = {}
  for _, f in ipairs(vocab.find_kinds(tokens)) do
    local n = kind_count(tokens, f.first, reading)
    local kind = f.kind
    local values = {}
    for i = 1, math.min(n or kind.default, #kind.values) do values[i] = kind.values[i] end
    dims[#dims + 1] = { name = kind.field, categories = values, vocab = kind.kind, ranked = not kind.ordered }
    for k = f.first, f.last do skip[k] = true end
  end
  local cats = M.categories(prompt)
  if cats then
    local kind = vocab.kind_of_values(cats)
    local lower = {}
    for _, c in ipairs(cats) do
      for w in c:lower():gmatch("%S+") do lower[w] = true end
    end
    for i, t in ipairs(tokens) do if t.w and lower[t.w] then skip[i] = true end end
    local first = dims[1]
    if first and (not kind or kind.kind == first.vocab) then
      -- "share of sales by channel: Online, Retail and Wholesale": the kind names the list
      first.categories, first.ranked = cats, false
      first.vocab = kind and kind.kind or nil
    else
      local places = 0
      for _, c in ipairs(cats) do if lex.places[c:lower()] or vocab.climate(c) then places = places + 1 end end
      table.insert(dims, 1, { categories = cats, vocab = kind and kind.kind,
        name = kind and kind.field or (places * 2 >= #cats and "region") or nil })
    end
  end
  local group, at = group_name(tokens, skip)
  if group and #dims == 0 then
    local values, kind = vocab.categories(group)
    dims[1] = { name = group, categories = kind and values or nil, vocab = kind and kind.kind,
      ranked = kind and not kind.ordered }
    skip[at] = true
  elseif group and not dims[1].name then -- "sales by channel: Online, Retail and Wholesale"
    dims[1].name = group
    skip[at] = true
  end
  for _, d in ipairs(dims) do d.name = d.name or "category" end
  if dims[2] and dims[2].name == dims[1].name then dims[2].name = dims[2].name .. " 2" end
  return dims, cats
end

-- plan(prompt, tokens, named_chart, today) → spec with a `needs` table | nil, error.
function M.plan(prompt, tokens, named, today)
  local reading = when.read(prompt)
  local skip = {}
  for i, t in ipairs(tokens) do
    if t.w and reading.words[t.w] then skip[i] = true end
  end
  -- places ("temperature in Paris") say where, not what
  local place
  for i, t in ipairs(tokens) do
    local two = t.w and word(tokens, i + 1) and (t.w .. " " .. word(tokens, i + 1))
    if two and (lex.places[two] or vocab.climate(two)) then
      skip[i], skip[i + 1] = true, true
      place = place or two
    elseif t.w and (lex.places[t.w] or vocab.climate(t.w)) and not skip[i] then
      skip[i] = true
      place = place or t.w
    end
  end
  local dims, cats = category_dims(tokens, prompt, reading, skip)
  local kinds_found = false
  for _, d in ipairs(dims) do if d.vocab then kinds_found = true end end
  if not asks_for_chart(tokens, named, kinds_found, reading, cats) then
    return nil, not_a_chart(prompt)
  end

  local share, dist, rel, count, rank, over = false, false, false, false, nil, false
  local agg
  for i, t in ipairs(tokens) do
    local w = t.w
    if w then
      share = share or lex.share[w] ~= nil
      dist = dist or lex.distribution[w] ~= nil
      rel = rel or (lex.relation[w] ~= nil and not (tokens[i + 1] and tokens[i + 1].w
        and (reading.words[tokens[i + 1].w] or when.number(tokens[i + 1].w))))
      count = count or lex.count[w] ~= nil or (w == "number" and word(tokens, i + 1) == "of")
        or (w == "many" and word(tokens, i - 1) == "how")
      over = over or OVER[w] ~= nil
      if RANK_UP[w] and not rank then rank = "-y" elseif RANK_DOWN[w] and not rank then rank = "y" end
      if not agg and lex.aggregate[w] and not lex.superlative[w] then agg = lex.aggregate[w] end
    end
  end
  -- a measure is never named like a category field ("share per share")
  local measures, taken = {}, {}
  for _, d in ipairs(dims) do taken[d.name] = true end
  for _, m in ipairs(M.measures(tokens, skip)) do
    if not taken[m] and not taken[lex.stem(m)] then measures[#measures + 1] = m end
  end
  local measure = measures[1]
  for _, m in ipairs(measures) do
    local _, key = vocab.profile(m)
    if key ~= "generic" then measure = m; break end
  end
  if measure and count and select(2, vocab.profile(measure)) ~= "count" then measure = "number of " .. measure end
  if not measure and count then measure = "count" end
  if not measure and share then measure = "share" end
  measure = measure or "value"
  while taken[measure] do measure = measure .. " value" end

  local wants_time = reading.unit ~= nil or reading.ranges ~= nil or over
  for _, t in ipairs(tokens) do
    if t.w and lex.time_words[t.w] then wants_time = true end
  end
  -- next to categories, a calendar period ("in 2024", "for Q4") or a ranking is a filter; a
  -- stretch of time ("last 90 days", "since 2019", "2010-2020"), a grain or an "over" is an axis
  if #dims > 0 and not reading.unit and not over and (rank or share or not stretch(reading.ranges)) then
    wants_time = false
  end
  -- one measure and nothing to split it by, or a line without categories: its course over time
  if #dims == 0 and not dist and not (rel and #measures >= 2) and (not named or TIME_CHARTS[named]) then
    wants_time = true
  end

  local kind = named
  if not kind then
    if share and not wants_time and #dims > 0 and #(dims[1].categories or {}) <= 8 then kind = "pie"
    elseif share and not wants_time and #dims > 0 then kind = "bar"
    elseif rel and #measures >= 2 then kind = "scatter"
    elseif dist and not wants_time then kind = "histogram"
    elseif wants_time then kind = "line"
    else kind = "bar" end
  end

  local spec = { type = kind, encoding = {}, needs = {} }
  local enc, need = spec.encoding, spec.needs
  local function dim_need(d, extra)
    local n = { kind = "nominal", name = d.name, categories = d.categories, vocab = d.vocab, ranked = d.ranked or nil }
    for k, v in pairs(extra or {}) do n[k] = v end
    return n
  end
  local main = dims[1]
  if kind == "scatter" then
    local ymeasure, xmeasure = measures[1] or "y", measures[2] or "x"
    enc.x = { field = xmeasure, type = "quantitative" }
    enc.y = { field = ymeasure, type = "quantitative" }
    need.x = { kind = "quantitative", name = xmeasure }
    need.y = { kind = "quantitative", name = ymeasure, correlated_with = "x" }
    if main then
      enc.color = { field = main.name, type = "nominal" }
      need.color = dim_need(main)
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
      local g = main or { name = "group" }
      enc.x = { field = g.name, type = "nominal" }
      enc.y = { field = m, type = "quantitative" }
      need.x = dim_need(g)
      need.y = { kind = "quantitative", name = m, distribution = "normal" }
    end
    spec.title = "Distribution of " .. m
    return spec
  end

  local prof = vocab.profile(measure)
  local yagg = agg or (measure == "count" and "count") or prof.aggregate
  local ych = measure == "count" and { aggregate = "count", type = "quantitative", title = "Count" }
    or { field = measure, type = "quantitative", aggregate = yagg }
  local shown = prof.unit
  if shown == "°C" and (prompt:lower():find("fahrenheit") or prompt:find("°F")) then shown = "°F" end
  if shown and measure ~= "count" then
    local words = { mean = "Average ", sum = "Total ", median = "Median ", min = "Minimum ", max = "Maximum " }
    ych.title = (words[yagg] or "") .. measure .. " (" .. shown .. ")"
  end
  need.y = { kind = "quantitative", name = measure, share = share or nil, unit = shown }
  if kind == "pie" or kind == "donut" then
    local g = main or { name = "category" }
    -- the biggest few of a kind are not the whole market: the rest is "Other"
    local k = g.vocab and vocab.kind(g.vocab)
    if k and g.ranked and #g.categories < #k.values then
      local with_other = table.move(g.categories, 1, #g.categories, 1, {})
      with_other[#with_other + 1] = "Other"
      g.categories = with_other
    end
    enc.theta = ych
    enc.color = { field = g.name, type = "nominal" }
    need.color = dim_need(g, { parts_of_whole = true })
    spec.title = title_case(measure) .. " by " .. g.name
    return spec
  end
  if wants_time then
    local unit = reading.unit or periods.grain(reading.ranges, today) or "month"
    local field = unit == "day" and "date" or unit
    enc.x = { field = field, type = "temporal", timeUnit = timeunit.PERIOD[unit], title = title_case(field) }
    need.x = { kind = "temporal", name = field, unit = unit, ranges = reading.ranges }
    if main then
      enc.color = { field = main.name, type = "nominal" }
      need.color = dim_need(main)
    end
    spec.title = title_case(measure) .. (place and #dims == 0 and (" in " .. as_written(prompt, place)) or "")
      .. " by " .. unit
  else
    local g = main or { name = "category" }
    enc.x = { field = g.name, type = "nominal" }
    need.x = dim_need(g)
    if dims[2] then
      enc.color = { field = dims[2].name, type = "nominal" }
      need.color = dim_need(dims[2])
    end
    if rank and main and main.ranked then enc.x.sort = rank end
    spec.title = title_case(measure) .. " by " .. g.name
  end
  enc.y = ych
  for _, t in ipairs(tokens) do
    if t.w == "stacked" or t.w == "stack" then spec.options = { stacked = true } end
  end
  return spec
end

return M
