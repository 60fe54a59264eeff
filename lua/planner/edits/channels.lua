-- What an edit needs to know about a spec's channels: which one holds the measure, which the
-- groups, how a column becomes a channel, and how a spec moves to another chart type.
local charts = require "charts"
local copy = require("util.tables").deep_copy

local M = {}

-- The channel drawing the measure: theta (pie), else the quantitative y, else a
-- quantitative unbinned x (horizontal bars are still x = groups, y = measure).
function M.measure(enc)
  if enc.theta then return "theta" end
  if enc.y and enc.y.type == "quantitative" then return "y" end
  if enc.x and enc.x.type == "quantitative" and not enc.x.bin then return "x" end
  return nil
end

-- The channel holding the groups a chart is split along (x, or a pie's colour).
function M.groups(spec)
  local enc = spec.encoding or {}
  if spec.type == "pie" or spec.type == "donut" then return "color" end
  if enc.x and enc.x ~= enc[M.measure(enc) or ""] then return "x" end
  return nil
end

-- A channel for column `name` of frame df: its type from the data (a year-like number on
-- a time axis is read as dates by the year).
function M.of(df, name, extra)
  local t = df and df.types[name] or "nominal"
  local ch = { field = name, type = t }
  for k, v in pairs(extra or {}) do ch[k] = v end
  return ch
end

-- A copy of a channel without what was computed for the old chart (its title).
function M.retitled(ch)
  local c = copy(ch)
  c.title = nil
  return c
end

local function quantitative_columns(df)
  local out = {}
  if not df then return out end
  for _, n in ipairs(df.names) do if df.types[n] == "quantitative" then out[#out + 1] = n end end
  return out
end

-- Drops the options the new type does not declare (the validator would refuse them).
function M.keep_options(spec)
  local chart = charts.get(spec.type)
  local decl = chart and chart.options or {}
  if spec.options then
    local kept = {}
    for k, v in pairs(spec.options) do if decl[k] then kept[k] = v end end
    spec.options = next(kept) and kept or nil
  end
end

-- Whether chart type `kind` cannot be drawn without channel `name` (a pie's or a heatmap's colour).
function M.required(kind, name)
  local chart = charts.get(kind)
  for _, c in ipairs(chart and chart.encodings and chart.encodings.required or {}) do
    if c == name then return true end
  end
  return false
end

-- One type per column across a chart's channels (the validator refuses "year" ordinal on x and
-- quantitative in the panels): a channel that also names a column drawn on x or y takes the
-- axis's type. Called once a follow-up's rules have run.
local STORAGE = { quantitative = "number", temporal = "date", nominal = "text", ordinal = "text" }
function M.consistent(spec)
  local enc = spec.encoding or {}
  local seen = {}
  for _, name in ipairs { "x", "y", "theta", "color", "size", "column", "row" } do
    local ch = enc[name]
    if type(ch) == "table" and ch.field and ch.type and not ch.aggregate then
      local first = seen[ch.field]
      if first and STORAGE[first.type] ~= STORAGE[ch.type] then
        ch.type = first.type
        if ch.type ~= "temporal" then ch.timeUnit = nil end
      elseif not first then
        seen[ch.field] = ch
      end
    end
  end
end

-- Moves the encodings of spec to chart type `kind` → true, nil, {columns of hints used} | nil,
-- message (why it cannot). hints: { groups = {names}, measures = {names} } the same request
-- named ("a box plot per species", "scatter of X vs Y"), used first.
function M.convert(spec, kind, df, hints)
  local enc, from = spec.encoding or {}, spec.type
  if from == kind then return true end
  hints = hints or { groups = {}, measures = {} }
  local used = {}
  local ne = { column = enc.column, row = enc.row }
  local mname = M.measure(enc)
  local measure = mname and enc[mname]
  -- a histogram's binned column is its measure when the new type has groups to show it by
  if from == "histogram" and enc.x and enc.x.bin then
    measure = { field = enc.x.field, type = "quantitative" }
  end
  -- the grouping: x unless x is the measure; a pie's groups are its colours
  local group = enc.x and enc.x ~= measure and not enc.x.bin and enc.x or nil
  if from == "histogram" then group = nil end
  local series = enc.color
  if from == "pie" or from == "donut" then group, series = enc.color, nil end
  if from == "heatmap" then group, series, measure = enc.x, enc.y, enc.color end
  if hints.groups[1] and kind ~= "scatter" and kind ~= "histogram" then
    local g = hints.groups[1]
    if group and group.field ~= g and not series then series = group end
    -- (the chart's own groups stay as they are drawn: years on a time axis)
    if not (group and group.field == g) then
      group = M.of(df, g)
      -- (numbers along a line stay numbers; bars and boxes stand one per value)
      if df and df.types[g] == "quantitative" and kind ~= "line" and kind ~= "area" then group.type = "nominal" end
    end
    used[#used + 1] = g
  end
  -- (the chart's own measure stays as drawn, with its aggregate)
  if hints.measures[1] and kind ~= "scatter" and not (measure and measure.field == hints.measures[1]) then
    measure = M.of(df, hints.measures[1])
    used[#used + 1] = hints.measures[1]
  end
  if kind == "scatter" then
    local a, b = hints.measures[1], hints.measures[2]
    if a and b then
      enc = { x = M.of(df, a), y = M.of(df, b) }
      measure, group = enc.y, nil
      used[#used + 1], used[#used + 2] = a, b
    elseif a then
      measure = M.of(df, a)
      used[#used + 1] = a
    end
  end
  if kind == "pie" or kind == "donut" then
    local parts = (group and group.type == "temporal" and series) or group or series
    if not parts then return nil, "a pie chart needs a column of categories" end
    ne.color = M.retitled(parts)
    ne.theta = measure and M.retitled(measure) or { aggregate = "count", type = "quantitative" }
    if ne.theta.field and not ne.theta.aggregate then ne.theta.aggregate = "sum" end
  elseif kind == "histogram" then
    local field = measure and measure.field or (enc.x and enc.x.type == "quantitative" and enc.x.field)
    if not field then return nil, "a histogram needs a numeric column" end
    ne.x = { field = field, type = "quantitative", bin = true }
    ne.y = { aggregate = "count", type = "quantitative" }
    if series and series.type ~= "quantitative" then ne.color = copy(series) end
  elseif kind == "scatter" then
    local ycol = measure and measure.field
    -- one measure over time: its points against the dates ("switch to scatter" on a line keeps
    -- the time axis rather than trading it for some other numeric column)
    local over_time = group and group.type == "temporal" and not hints.measures[2]
    local xcol = enc.x and enc.x.type == "quantitative" and enc.x.field ~= ycol and enc.x.field or nil
    for _, n in ipairs(quantitative_columns(df)) do
      if not ycol then ycol = n elseif not xcol and n ~= ycol and not over_time then xcol = n end
    end
    local dated = not xcol and ycol and over_time and group.field
    local categories = group and (group.type == "nominal" or group.type == "ordinal") and not group.bin
    if not (xcol and ycol) and not dated and ycol and categories then
      -- one measure over categories ("as dots" on bars): a strip of its values per category
      kind = "strip"
      ne.x, ne.y = M.retitled(group), { field = ycol, type = "quantitative" }
      if series and series ~= group then ne.color = copy(series) end
    else
      if not (xcol and ycol) and not dated then return nil, "a scatter plot needs two numeric columns" end
      ne.x = dated and { field = dated, type = "temporal" } or { field = xcol, type = "quantitative" }
      ne.y = { field = ycol, type = "quantitative" }
      local g = series or (group and group.type ~= "quantitative" and group)
      if g and g.type ~= "temporal" then ne.color = M.retitled(g) end
    end
  elseif kind == "heatmap" then
    if not (group and series) then
      return nil, "a heatmap needs two columns of categories and a measure (split the chart by a second column first)"
    end
    -- (rows counted per pair of groups colour the cells by their count)
    ne.x, ne.y = M.retitled(group), M.retitled(series)
    ne.color = measure and M.retitled(measure) or { aggregate = "count", type = "quantitative" }
    if ne.color.field and not ne.color.aggregate then ne.color.aggregate = "mean" end
  elseif kind == "box" then
    local g = group or series
    -- (a scatter coloured by categories: the boxes are the categories' — x held numbers)
    if group and g == group and group.type == "quantitative" and not group.bin and series
        and series.type ~= "quantitative" then
      g = series
    end
    if not (g and measure and measure.field) then return nil, "a box plot needs groups and a numeric column" end
    ne.x, ne.y = M.retitled(g), M.retitled(measure)
    ne.y.aggregate = nil
    if series and series ~= g then ne.color = copy(series) end
  else -- bar, line, area and their kin
    if not group then
      if from == "histogram" and enc.x and enc.x.bin then
        group = enc.x
      elseif from == "scatter" and enc.x then
        group = enc.x
      else
        return nil, ("a %s chart needs a column for its x axis"):format(kind)
      end
    end
    ne.x = group.bin and copy(group) or M.retitled(group)
    ne.y = measure and M.retitled(measure) or { aggregate = "count", type = "quantitative" }
    -- bars of a histogram's bins still count rows, unless a measure was named
    if from == "histogram" and group.bin and not hints.measures[1] then ne.y = { aggregate = "count", type = "quantitative" } end
    if ne.y.field and not ne.y.aggregate and from == "histogram" then ne.y.aggregate = "mean" end
    if (from == "box" or from == "strip") and ne.y.field and not ne.y.aggregate then ne.y.aggregate = "mean" end
    if from == "scatter" and ne.y.field and not ne.y.aggregate and kind == "bar" then ne.y.aggregate = "mean" end
    if series and series ~= group then ne.color = copy(series) end
  end
  spec.encoding, spec.type = ne, kind
  M.keep_options(spec)
  return true, nil, used
end

return M
