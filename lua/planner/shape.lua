-- Readings the data's shape decides (planner.profile's key, time and series): what a request
-- that names one measure means on a table of series over time or of one row per entity, what a
-- row count means where rows are not events, which series a named value picks, and the partner
-- of a scatter's one named measure. The offline planner applies them to its plan after reading
-- the words.
local lex = require "planner.lexicon"
local profile = require "planner.profile"

local M = {}

-- Tables with at most this many entity rows read as a bar per entity without a ranking word.
M.MAX_ENTITY_BARS = 60

-- A plan field for a column the request did not name.
function M.implied(c)
  return { col = c, first = math.huge, last = math.huge, spans = {}, implied = true }
end
local implied = M.implied

-- Whether every value of column c (over the rows that have one) occurs the same number of times:
-- counting rows per value then draws a flat line, never what the request meant.
local function even(df, c)
  local counts = {}
  local col = df.columns[c.name]
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil then counts[v] = (counts[v] or 0) + 1 end
  end
  local seen
  for _, n in pairs(counts) do
    if seen and n ~= seen then return false end
    seen = n
  end
  return seen ~= nil
end

-- Whether counting rows per value of column c (split by column split, if any) says nothing: one
-- row per entity, per time point or per (time, series), the same number of rows for every value,
-- or one row per (c, split) pair ("one line per budget year, forecast year along the bottom":
-- every count is 1).
local function no_rows_to_count(df, prof, c, split)
  if c == prof.key then return true end
  if prof.timeseries and (c.role == "time" or c == prof.series) then return true end
  return even(df, c) or split ~= nil and split ~= c and profile.unique_rows(df, { c.name, split.name })
end

-- Whether every group of rows with one value of column g has one value of column m, and some
-- group has several rows: m is a property of the group, repeated on its rows.
local function repeated_per_group(df, m, g)
  local seen, repeated = {}, false
  local mv, gv = df.columns[m.name], df.columns[g.name]
  for i = 1, df.nrows do
    local k, v = gv[i], mv[i]
    if k ~= nil and v ~= nil then
      local was = seen[k]
      if was == nil then seen[k] = v
      elseif was ~= v then return false
      else repeated = true end
    end
  end
  return repeated
end

-- Whether a code's letters ("MSFT", "GOOG") spell out a word in order from its first letter
-- ("microsoft", "google"): how people name tickers, airports and other coded series.
local function abbreviates(code, w)
  code = code:gsub("(%a)%1", "%1") -- "AAPL": a doubled letter stands for one ("apple")
  if w:sub(1, 1) ~= code:sub(1, 1) or #w < #code or #w > 4 * #code then return false end
  local at = 1
  for k = 1, #code do
    at = w:find(code:sub(k, k), at, true)
    if not at then return false end
    at = at + 1
  end
  return true
end

-- The values of the series column the request names ("earthquake deaths", "AMZN", "fossil
-- fuels", "google" for GOOG).
function M.named_series(tokens, taken, series)
  if not (series and series.values) then return {} end
  local found = {}
  for _, v in ipairs(series.values) do
    local words = {}
    for w in tostring(v):lower():gmatch("[%w']+") do words[#words + 1] = lex.stem(w) end
    local code = tostring(v):match("^%u[%u%d]+$") and #tostring(v) >= 3 and tostring(v):lower()
    if #words > 0 and #table.concat(words) >= 3 then
      for i = 1, #tokens - #words + 1 do
        local all = true
        for k, w in ipairs(words) do
          local t = tokens[i + k - 1]
          if not (t.w and not taken[i + k - 1] and (t.s == w or t.w == w or code and abbreviates(code, t.w))) then
            all = false
            break
          end
        end
        if all then found[#found + 1] = v; break end
      end
    end
  end
  return found
end

-- "population pyramid" on a table of counts by groups (prof.weight): the count of each band (the
-- grouping column of most whole numbers: ages) split by a group of two (sex). Sets the plan and
-- returns true, or false where the table has no such band.
function M.pyramid(plan, prof)
  local w = prof.weight
  if not w then return false end
  local band, pair
  for _, c in ipairs(prof.columns) do
    if c ~= w and c.role ~= "time" and c.role ~= "constant" then
      if c.distinct == 2 then pair = pair or c
      elseif c.integers and (not band or c.distinct > band.distinct) then band = c end
    end
  end
  if not band then return false end
  plan.kind, plan.x, plan.y, plan.agg = "bar", implied(band), implied(w), "sum"
  plan.color = pair and implied(pair) or nil
  return true
end

-- fit(plan, facts, prof, df) adjusts the plan in place; facts: named (chart type
-- named), distribution and binned (the request asks for a distribution), count / weak_count
-- (count_phrase), rank (a ranking word), relation, series_values (M.named_series), said_agg (an
-- aggregate word said of no column: mean, median, min, max), pyramid (a population pyramid).
function M.fit(plan, facts, prof, df)
  local default_agg = profile.default_agg
  -- on a table of counts by groups, the spread of a group column is how many each of its values
  -- holds ("age distribution" over year, age, sex, people: the people of each age, not the rows)
  local w = prof.weight
  if facts.pyramid and M.pyramid(plan, prof) then return end
  if plan.kind == "histogram" and w and plan.x and plan.x.col ~= w and not plan.y and facts.named ~= "histogram" then
    plan.kind, plan.y, plan.agg, plan.color = "bar", implied(w), "sum", nil
    plan.note = ("each row already counts several (the column %s), so the chart adds %s up"):format(w.name, w.name)
    return
  end
  -- a scatter named with one measure: its partner is the measure it tracks most closely
  if plan.kind == "histogram" and not facts.count and (facts.named == "scatter" or facts.relation and not facts.named) then
    local best, best_r
    for _, c in ipairs(prof.columns) do
      if c.role == "measure" and not c.discrete and c ~= plan.x.col then
        local r = profile.correlation(df, plan.x.col, c)
        if not best or r > best_r then best, best_r = c, r end
      end
    end
    if best then
      plan.kind, plan.y, plan.color, plan.agg = "scatter", implied(best), nil, nil
      plan.x, plan.y = plan.y, plan.x
      plan.note = ("only %s was named, so chartd set it against %s, the measure it tracks most closely")
        :format(plan.y.col.name, best.name)
      return
    end
  end
  -- one measure alone on a table of series over time, or of one row per entity: the measure
  -- over time, or per entity — not the spread of its values
  -- ("line of record highs", "bar chart of the lows": a named line or bar of one measure is
  -- that measure per row too)
  local per_row = facts.named == "line" or facts.named == "area" or facts.named == "bar"
  if plan.kind == "histogram" and (not facts.named or per_row) and not facts.distribution and not facts.binned then
    local m = plan.x
    if prof.timeseries and prof.time then
      plan.kind, plan.x, plan.y, plan.agg = facts.named or "line", implied(prof.time), m, default_agg(m.col)
    elseif prof.key and (prof.nrows <= M.MAX_ENTITY_BARS or facts.rank or per_row) then
      plan.kind, plan.x, plan.y, plan.agg = facts.named or "bar", implied(prof.key), m, default_agg(m.col)
      if plan.kind == "bar" then plan.sort = "-y" end
    end
    plan.color = nil
  end
  -- rows counted where rows are not events (a price per day, a state per row): the main measure
  if plan.agg == "count" and not plan.y and plan.x and (not facts.count or facts.weak_count) and not plan.counted_rows
      and (plan.kind == "bar" or plan.kind == "line" or plan.kind == "area" or plan.kind == "pie")
      and plan.x.col.role ~= "measure" and no_rows_to_count(df, prof, plan.x.col, plan.color and plan.color.col) then
    local exclude = { [plan.x.col.name] = true }
    if plan.color then exclude[plan.color.col.name] = true end
    local m = profile.main_measure(prof, exclude)
    -- ("how much does each source produce in total": an aggregate said is the measure's)
    if m then plan.y, plan.agg = implied(m), facts.said_agg or facts.said_total and "sum" or default_agg(m) end
  end
  -- a grid whose cells hold one row each ("heatmap of year by source" over one value per pair):
  -- a count would be 1 in every cell, so the main measure colours it
  if plan.kind == "heatmap" and plan.agg == "count" and not plan.color and plan.x and plan.y
      and (not facts.count or facts.weak_count) and not plan.counted_rows
      and plan.x.col.role ~= "measure" and plan.y.col.role ~= "measure"
      and profile.unique_rows(df, { plan.x.col.name, plan.y.col.name }) then
    local m = profile.main_measure(prof, { [plan.x.col.name] = true, [plan.y.col.name] = true })
    if m then plan.color, plan.agg = implied(m), facts.said_agg or facts.said_total and "sum" or default_agg(m) end
  end
  -- rows counted on a table already counted ("busiest airports" over origin, destination, count):
  -- each row stands for `count` things, so the chart adds them up
  local heat = plan.kind == "heatmap"
  if plan.agg == "count" and w and not plan.counted_names and plan.x and plan.x.col ~= w
      and (heat and not plan.color or not heat and not plan.y and (plan.kind == "bar" or plan.kind == "line"
        or plan.kind == "area" or plan.kind == "pie")) then
    if heat then plan.color = implied(w) else plan.y = implied(w) end
    -- ("average commits per hour": an aggregate said of the counted things is the count's)
    plan.agg = facts.said_agg or "sum"
    plan.note = facts.said_agg and ("each row already counts several (the column %s), so the chart shows the %s of %s")
        :format(w.name, facts.said_agg, w.name)
      or ("each row already counts several (the column %s), so the chart adds %s up"):format(w.name, w.name)
  end
  -- a total repeated on every row of its group (a state's households on each of its income
  -- brackets): adding it up per group multiplies it, so the chart shows the value itself
  if plan.agg == "sum" and plan.y and plan.x and plan.y.col ~= plan.x.col and not plan.color
      and repeated_per_group(df, plan.y.col, plan.x.col) then
    plan.agg = "mean"
  end
  -- latitude and longitude plotted against each other are a map: longitude across, whatever the order said
  if plan.kind == "scatter" and plan.x and plan.y and not plan.x.axis and not plan.y.axis
      and plan.x.col == profile.coordinate(prof, "latitude") and plan.y.col == profile.coordinate(prof, "longitude") then
    plan.x, plan.y = plan.y, plan.x
  end
  -- a series named by its values keeps those rows; several series over time are told apart by colour
  local s = prof.series
  local on_chart = s and ((plan.x and plan.x.col == s) or (plan.color and plan.color.col == s))
  if s and #facts.series_values > 0 and not (plan.x and plan.x.col == s) then
    plan.filter = { field = s.name, oneOf = facts.series_values }
  end
  -- (over the main time column only: "by calendar month across all years" pools the series;
  -- "total net generation by year" asks for the total of them all)
  if s and not on_chart and not plan.fold and not plan.color and plan.pooled_over ~= s and plan.y and plan.x
      and plan.x.col == prof.time
      and (plan.kind == "line" or plan.kind == "area") and #facts.series_values ~= 1 and plan.y.agg ~= "sum" then
    plan.color = implied(s)
  end
end

return M
