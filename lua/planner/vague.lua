-- Charts for requests that name no column ("show me bars", "create scatterplot", "chart this",
-- "what's in here?") over data the user sent: the most informative columns for the chart type
-- asked for (or for the data's shape), with a note saying what was chosen.
local profile = require "planner.profile"

local M = {}

-- Categories read best with a handful of values.
M.BEST_GROUPS = 8
M.MAX_GROUPS = 30

-- Measures: continuous numbers that are not ids or years, the one a person means first
-- (profile.measure_weight: filled in, named like a main quantity), then in column order.
local function measures(prof)
  local out, weight = {}, {}
  for _, c in ipairs(prof.columns) do
    if c.role == "measure" and not c.discrete then
      out[#out + 1] = c
      weight[c] = profile.measure_weight(c, prof.nrows)
    end
  end
  table.sort(out, function(a, b)
    if weight[a] ~= weight[b] then return weight[a] > weight[b] end
    return a.index < b.index
  end)
  return out
end

-- Categories: a handful of values first (closest to BEST_GROUPS), ids and constants never.
local function groups(prof)
  local out = {}
  for _, c in ipairs(prof.columns) do
    local d = c.distinct or 0
    if (c.role == "category" or c.role == "measure" and c.discrete) and d >= 2 and d <= M.MAX_GROUPS then
      out[#out + 1] = c
    end
  end
  table.sort(out, function(a, b)
    local da, db = math.abs(a.distinct - M.BEST_GROUPS / 2 - 1), math.abs(b.distinct - M.BEST_GROUPS / 2 - 1)
    if (a.distinct <= M.BEST_GROUPS) ~= (b.distinct <= M.BEST_GROUPS) then return a.distinct <= M.BEST_GROUPS end
    if da ~= db then return da < db end
    return a.index < b.index
  end)
  return out
end

-- A category with too many values to draw them all ("origin" of 300 airports), or the column
-- naming each row of a long table: drawn as its top M.TOP_GROUPS; the one with the fewest values.
M.TOP_GROUPS = 20
local function crowded_group(prof)
  local best
  for _, c in ipairs(prof.columns) do
    if (c.role == "category" or c == prof.key) and (c.distinct or 0) > M.MAX_GROUPS
        and (not best or c.distinct < best.distinct) then
      best = c
    end
  end
  return best
end

local function times(prof)
  local out = {}
  for _, c in ipairs(prof.columns) do
    if c.role == "time" then out[#out + 1] = c end
  end
  table.sort(out, function(a, b)
    if (a.type == "temporal") ~= (b.type == "temporal") then return a.type == "temporal" end
    return a.index < b.index
  end)
  return out
end

-- The pair of measures most strongly correlated (a scatter worth looking at), among the first few.
local function best_pair(df, ms)
  local best, bi, bj = -1, nil, nil
  local n = math.min(#ms, 6)
  for i = 1, n do
    for j = i + 1, n do
      local r = profile.correlation(df, ms[i], ms[j])
      if r > best then best, bi, bj = r, ms[i], ms[j] end
    end
  end
  return bi, bj
end

local function channel(c, extra)
  local ch = { field = c.name }
  if c.role == "time" then
    ch.type = c.type == "temporal" and "temporal" or "ordinal"
  elseif c.type == "quantitative" and c.role == "measure" and not c.discrete then
    ch.type = "quantitative"
  else
    ch.type = "nominal"
  end
  for k, v in pairs(extra or {}) do ch[k] = v end
  return ch
end

-- The data's most telling columns: { measure =, group =, time = } (names, each may be nil).
function M.best(prof)
  local ms, gs, ts = measures(prof), groups(prof), times(prof)
  return { measure = ms[1] and ms[1].name, group = gs[1] and gs[1].name, time = ts[1] and ts[1].name }
end

-- plan(df, prof, kind) → spec, note | nil when the data has nothing to draw.
function M.plan(df, prof, kind)
  local spec, note = M.plan_kind(df, prof, kind)
  if not spec and kind then spec, note = M.plan_kind(df, prof, nil) end
  return spec, note
end

function M.plan_kind(df, prof, kind)
  local ms, gs, ts = measures(prof), groups(prof), times(prof)
  local m, g, t = ms[1], gs[1], ts[1]
  local crowded = not g and crowded_group(prof)
  local spec = { encoding = {} }
  local enc = spec.encoding
  if not kind then
    kind = (t and m) and "line" or ((g or crowded) and m) and "bar" or m and "histogram" or g and "bar" or nil
    if not kind then return nil end
  end
  if kind == "scatter" or kind == "bubble" or kind == "hexbin" then
    local a, b = best_pair(df, ms)
    -- (one measure: against the time it was measured at, "scatter of the anomaly against year")
    if not a and m and t then a, b = t, m end
    -- (one measure and categories: a strip of its values per category)
    if not a and m and g then return M.plan_kind(df, prof, "strip") end
    if not a then return nil end
    spec.type = "scatter"
    enc.x, enc.y = channel(a), channel(b)
    if a.type == "quantitative" then enc.x.type = "quantitative" end
  elseif kind == "histogram" or kind == "density" or kind == "violin" and not g then
    if not m then return nil end
    spec.type = "histogram"
    enc.x = channel(m, { bin = true })
    enc.y = { aggregate = "count", type = "quantitative" }
  elseif kind == "line" or kind == "area" or kind == "step" then
    local x = t or g
    if not x then return nil end
    spec.type = kind
    enc.x = channel(x)
    enc.y = m and channel(m, { aggregate = profile.default_agg(m) }) or profile.count_channel(prof, { x })
    -- one row per point of the line: its values as they are
    if m and profile.one_row_each(df, enc) then enc.y.aggregate = nil end
  elseif kind == "pie" or kind == "donut" then
    local small
    for _, c in ipairs(gs) do if not small and c.distinct <= M.BEST_GROUPS then small = c end end
    if not small then return nil end
    spec.type = kind
    enc.color = channel(small)
    enc.theta = profile.count_channel(prof, { small })
  elseif kind == "box" or kind == "violin" or kind == "strip" then
    if not (g and m) then return nil end
    spec.type = kind
    enc.x, enc.y = channel(g), channel(m)
  elseif kind == "heatmap" then
    if #gs < 2 then return nil end
    spec.type = "heatmap"
    enc.x, enc.y = channel(gs[1]), channel(gs[2])
    enc.color = profile.count_channel(prof, { gs[1], gs[2] })
  else -- bar and its kin: rows counted per category
    local x = g or t or crowded
    if not x then return nil end
    spec.type = (kind == "lollipop" or kind == "bar") and kind or "bar"
    enc.x = channel(x)
    enc.y = profile.count_channel(prof, { x })
    -- one row per time point: its measure, not a count of one
    if x == t and prof.timeseries and m and not prof.weight then
      enc.y = channel(m, { aggregate = profile.default_agg(m) })
    end
    if x == crowded then
      g = crowded
      -- one row per name: its measure, not a count of one
      if x == prof.key and m and not prof.weight then enc.y = channel(m, { aggregate = profile.default_agg(m) }) end
      enc.x.sort = "-y"
      spec.transform = { { top = M.TOP_GROUPS, groupby = { x.name }, field = enc.y.field,
        op = enc.y.aggregate, order = "descending" } }
    end
  end
  local named = {}
  for _, ch in ipairs { "x", "y", "color" } do
    if enc[ch] and enc[ch].field then named[#named + 1] = enc[ch].field end
  end
  local note = ("the request names no column, so chartd chose %s; say which columns you want "
    .. "(for example \"average %s by %s\")"):format(table.concat(named, " and "),
    (m or {}).name or "value", (g or t or {}).name or "category")
  return spec, note
end

return M
