-- Probe of issue #13 item 4's edit grammar on real tables: every edit kind, said several ways
-- (terse, chatty, non-native, misspelt; the column by a plural, a misspelling, a multi-word
-- name, a value), as a follow-up of a chart that makes sense for it. Each outcome is judged:
--   applied  the spec changed as asked and nothing else did
--   noted    a note, the chart unchanged (honest, but not the edit)
--   unclear  unclear_followup (or a refusal)
--   wrong    a different chart, or the edit plus something not asked for
--   error    a Lua error
-- Run from the worktree: lua5.4 tests/probe/followup_probe.lua [--heldout | --third] [kind] [-v]
-- (say: the phrasings the first fixes came from; say2, say3: other voices, each measured before any
-- rule was fitted to it)
package.path = "lua/?.lua;lua/?/init.lua;spec/?.lua;" .. package.path
package.cpath = "build/lib/?.so;" .. package.cpath
local frame = require "data.frame"
local offline = require "planner.offline"
local followup = require "planner.followup"
local json = require "cjson"
local copy = require("util.tables").deep_copy
local gen = require("seeded").new(13)

local only_kind, verbose = nil, false
local heldout = false
for _, a in ipairs(arg) do
  if a == "-v" then verbose = true elseif a == "--heldout" then heldout = "say2"
  elseif a == "--third" then heldout = "say3" else only_kind = a end
end

local function load(path)
  local f = assert(io.open(path)); local s = f:read("a"); f:close()
  return assert(frame.from_data(s, path))
end

local B2, B4, SH = "/work/convsets-blind2/data/", "/work/convsets-blind4/data/", "../shared/data/"
-- bar: a chart of a measure by a category; split: a second category; value: one of bar's
-- categories; m2: a second measure; line: a chart over time; scatter: two measures
local TABLES = {
  { file = SH .. "cars.csv", bar = "average mpg by origin", split = "Cylinders", value = "Japan",
    m2 = "Horsepower", line = nil, scatter = "horsepower vs mpg", num = "Weight", lo = 2000, hi = 3000 },
  { file = SH .. "movies.csv", bar = "total worldwide gross by major genre", split = "Creative Type",
    value = "Drama", m2 = "Production Budget", scatter = "production budget vs worldwide gross",
    num = "IMDB Rating", lo = 5, hi = 8 },
  { file = SH .. "superstore.csv", bar = "total sales by category", split = "Segment", value = "Furniture",
    m2 = "Profit", line = "sales by order date", scatter = "sales vs profit", num = "Quantity", lo = 2, hi = 5,
    years = { "2016", "2017" } },
  { file = B2 .. "barley.csv", bar = "total yield by variety", split = "site", value = "Manchuria",
    m2 = nil, num = "yield", lo = 30, hi = 50 },
  { file = B2 .. "income.csv", bar = "total by region", split = "group", value = "south", m2 = "pct",
    num = "pct", lo = 0.05, hi = 0.1 },
  { file = B4 .. "flights-daily.csv", bar = "total flights by origin", split = nil, value = "ATL",
    m2 = "delayed", line = "flights per day", scatter = "flights vs delayed", num = "avg_delay", lo = 10, hi = 40,
    years = { "2001" } },
  { file = B2 .. "jobs.csv", bar = "total count by sex", split = "year", value = "women", m2 = "perc",
    num = "count", lo = 1000, hi = 5000 },
  { file = B2 .. "co2-concentration.csv", line = "CO2 over time", m2 = "adjusted CO2",
    scatter = "co2 vs adjusted co2", num = "CO2", lo = 320, hi = 350, years = { "1980", "1990" } },
}

-- how people write a column: as it is, lower case, plural, misspelt
local function plural(w)
  if w:match("[^aeiou]y$") then return w:sub(1, -2) .. "ies" end
  if w:match("s$") then return w end
  return w .. "s"
end
local function misspell(w)
  if #w < 5 then return w end
  local i = 2 + gen.rand(#w - 3)
  if w:sub(i, i):match("%s") or w:sub(i + 1, i + 1):match("%s") then return w end
  return w:sub(1, i - 1) .. w:sub(i + 1, i + 1) .. w:sub(i, i) .. w:sub(i + 2)
end
local function form(name)
  local l = name:lower()
  return gen.pick { name, l, plural(l), misspell(l) }
end

-- the spec flattened to path → value, to see what an edit changed
local function flatten(t, prefix, out)
  out = out or {}
  for k, v in pairs(t) do
    local p = prefix and (prefix .. "." .. tostring(k)) or tostring(k)
    if type(v) == "table" then flatten(v, p, out) else out[p] = v end
  end
  return out
end
local function changed(a, b)
  local fa, fb, out = flatten(a), flatten(b), {}
  for k, v in pairs(fa) do if fb[k] ~= v then out[#out + 1] = k end end
  for k in pairs(fb) do if fa[k] == nil then out[#out + 1] = k end end
  table.sort(out)
  return out
end
-- every changed path starts with an allowed prefix (the title may follow the chart)
local function only(paths, allowed)
  for _, p in ipairs(paths) do
    local ok = p == "title" or p:match("^encoding%.%w+%.title$") and false
    for _, a in ipairs(allowed) do if p:sub(1, #a) == a then ok = true end end
    if not ok then return false, p end
  end
  return true
end

local function enc_field(spec, ch) return spec.encoding[ch] and spec.encoding[ch].field end
local function facet_field(spec)
  return enc_field(spec, "column") or enc_field(spec, "row") or enc_field(spec, "facet")
end
local function filters(spec)
  local out = {}
  for _, s in ipairs(spec.transform or {}) do if s.filter then out[#out + 1] = s.filter end end
  return out
end
local function filter_on(spec, field)
  for _, f in ipairs(filters(spec)) do
    if f.field == field or type(f["not"]) == "table" and f["not"].field == field then return f end
  end
end
local function top_of(spec)
  for _, s in ipairs(spec.transform or {}) do if s.top then return s end end
end

-- Kinds: base (which chart), phrasings (%C split column, %V value, %M second measure, %N number,
-- %U column of numbers, %L/%H its range), check(result, base, t) → ok, why; allowed paths.
local K = {}
local function kind(name, def) def.name = name; K[#K + 1] = def end

local function same_fields(r, b)
  local fa, fb = {}, {}
  for _, ch in pairs(b.encoding) do if type(ch) == "table" and ch.field then fa[ch.field] = true end end
  for _, ch in pairs(r.encoding) do if type(ch) == "table" and ch.field then fb[ch.field] = true end end
  for f in pairs(fa) do if not fb[f] then return false, "lost " .. f end end
  for f in pairs(fb) do if not fa[f] then return false, "added " .. f end end
  return true
end
local function to_type(want)
  return function(r, b)
    if r.type ~= want then return false, "type " .. tostring(r.type) end
    return same_fields(r, b)
  end
end
kind("type→line", { say3 = { "line instead", "could u make a line plot", "show this as line chart pls" }, say2 = { "switch it to a line graph", "line graph pls", "lets try lines", "could it be a line?", "show trend as line", "line chart instead of bars" }, base = "bar", allowed = { "type", "encoding", "options" }, check = to_type("line"),
  say = { "make it a line chart", "Line chart", "as a line", "line plz", "can you show this as a line graph instead?",
    "change to lines", "linechart", "convert it into line chart please", "lines", "I want see it like line" } })
kind("type→bar", { say3 = { "bar chart instead", "bars would be better", "turn into bars" }, say2 = { "make bars", "bar graph please", "columns instead", "histogram-style bars no, just bars", "i prefer a bar chart", "go back to bars" }, base = "line", allowed = { "type", "encoding", "options" }, check = to_type("bar"),
  say = { "Bar chart", "bars", "as bars please", "could you make this a bar graph", "swich to bar chart", "barchart",
    "bar", "make it column chart", "use bars not lines" } })
kind("type→area", { say3 = { "area chart please", "make an area graph" }, say2 = { "area plot", "as an area chart", "shade the area under it", "stacked area no just area", "area pls" }, base = "line", allowed = { "type", "encoding", "options" }, check = to_type("area"),
  say = { "area chart", "make it an area", "as area", "fill under the line", "filled area please", "area graph" } })
kind("type→pie", { say3 = { "pie please", "change to pie chart" }, say2 = { "piechart", "make a pie out of it", "pie graph", "show shares as a pie", "circle chart" }, base = "bar", allowed = { "type", "encoding", "options" },
  check = function(r) return r.type == "pie" or r.type == "donut", "type " .. tostring(r.type) end,
  say = { "pie chart", "make it a pie", "as a pie please", "pie", "donut chart", "show it like a pie chart" } })
-- (a bar of categories has one number: the scatter keeps its columns and takes one more for x)
kind("type→scatter", { say3 = { "scatter chart please", "show as a scatter plot" }, say2 = { "scatter", "show as dots", "point chart", "make it a dot plot" }, base = "scatterable", allowed = { "type", "encoding", "options" },
  check = function(r, b)
    if r.type ~= "scatter" then return false, "type " .. tostring(r.type) end
    local ok, why = same_fields(r, b)
    return ok or why:match("^added"), why
  end,
  say = { "scatter plot", "as points", "make it a scatter", "scatterplot pls", "dots instead of a line" } })

local function color_is(r, b, t)
  local f = enc_field(r, "color")
  if f ~= t.split then return false, "color " .. tostring(f) end
  if enc_field(r, "x") ~= enc_field(b, "x") or enc_field(r, "y") ~= enc_field(b, "y") then return false, "axes moved" end
  return true
end
kind("colour", { say3 = { "colour the bars by %C", "split it up by %C", "break it out by %C", "different colour for each %C" }, say2 = { "colour code by %C", "one colour per %C", "different colours for %C", "use %C for color", "color-coded by %C", "hue by %C", "legend by %C", "by %C please", "%C as colour", "split the bars by %C" }, base = "bar", need = "split", allowed = { "encoding.color", "options.stacked", "type" }, check = color_is,
  say = { "colour by %C", "color by %C", "split by %C", "stack by %C", "group by %C", "segment by %C",
    "break down by %C", "break it down by %C", "slice by %C", "add %C to the legend", "color the bars by %C",
    "can you split this by %C?", "show each %C in a different color", "split each bar by %C", "colour it per %C",
    "colored by %C please", "stacked by %C", "grouped by %C", "with %C as the colour", "break down by %C pls" } })
kind("facet", { say3 = { "separate panel for each %C", "facet over %C", "small multiple for each %C", "panels per %C" }, say2 = { "facet on %C", "trellis by %C", "grid of charts by %C", "one plot per %C", "break it into panels by %C", "subplots by %C", "multiple charts, one per %C", "facet wrap %C" }, base = "bar", need = "split", allowed = { "encoding.column", "encoding.row", "encoding.facet" },
  check = function(r, b, t)
    if facet_field(r) ~= t.split then return false, "facet " .. tostring(facet_field(r)) end
    return true
  end,
  say = { "facet by %C", "facet it by %C", "panels by %C", "one panel per %C", "small multiples by %C",
    "separate charts for each %C", "for each %C", "a chart per %C", "split into panels by %C",
    "small multiples of %C", "seperate chart for every %C", "one chart for each %C", "make panels for %C please",
    "separate plots by %C", "a small multiple per %C" } })
kind("swap", { say3 = { "flip the axes", "swap x/y", "switch x and y axis" }, say2 = { "switch axes", "flip the chart axes", "transpose", "exchange x and y", "put x on y and y on x", "axes swapped please" }, base = "bar", allowed = { "encoding.x", "encoding.y", "options.horizontal" },
  check = function(r, b)
    if enc_field(r, "x") == enc_field(b, "y") and enc_field(r, "y") == enc_field(b, "x") then return true end
    if (r.options or {}).horizontal ~= (b.options or {}).horizontal then return true end
    return false, "not swapped"
  end,
  say = { "swap axes", "swap the axes", "flip x and y", "switch axis", "swap x and y please", "exchange the axes",
    "flip axes", "switch the x and y axis", "swap axis pls", "invert the axes" } })
kind("field on y", { say3 = { "show %M on y", "y: %M", "make y %M" }, say2 = { "y should show %M", "measure %M instead", "I want %M on the vertical axis", "replace the y with %M", "%M for the y axis", "change the measure to %M" }, base = "bar", need = "m2", allowed = { "encoding.y" },
  check = function(r, b, t)
    if enc_field(r, "y") ~= t.m2 then return false, "y " .. tostring(enc_field(r, "y")) end
    if enc_field(r, "x") ~= enc_field(b, "x") then return false, "x moved" end
    return true
  end,
  say = { "put %M on the y axis", "%M on y", "use %M for y", "y axis should be %M", "show %M instead",
    "y = %M", "plot %M instead", "can we see %M instead?", "change y to %M", "%M on the y-axis please" } })
kind("field on x", { say3 = { "x: %U", "make x %U", "%U as x" }, say2 = { "x should be %U", "%U along the x axis", "horizontal axis %U", "replace x with %U" }, base = "scatter", need = "num", allowed = { "encoding.x" },
  check = function(r, b, t)
    if enc_field(r, "x") ~= t.num then return false, "x " .. tostring(enc_field(r, "x")) end
    if enc_field(r, "y") ~= enc_field(b, "y") then return false, "y moved" end
    return true
  end,
  say = { "put %U on the x axis", "%U on x", "use %U for x", "x axis should be %U", "x = %U",
    "change x to %U", "%U on the x-axis please", "against %U instead" } })
local function agg_is(want)
  return function(r)
    local a = r.encoding.y and r.encoding.y.aggregate
    if a ~= want then return false, "aggregate " .. tostring(a) end
    return true
  end
end
kind("aggregate mean", { say3 = { "averages please", "mean not total", "use average" }, say2 = { "mean instead of sum", "avg please", "show averages", "average it", "per-bar average" }, base = "bar", allowed = { "encoding.y" }, check = agg_is("mean"), total_base = true,
  say = { "average instead", "show the average", "use mean", "avg", "mean please", "show me the averages",
    "average per item rather than total", "make it avarage", "mean values", "show average not sum" } })
kind("aggregate sum", { say3 = { "use the total", "sum up", "show sums" }, say2 = { "sum instead", "total please", "sum of values", "summed" }, base = "meanbar", allowed = { "encoding.y" }, check = agg_is("sum"),
  say = { "total instead", "sum it", "show totals", "use sum", "sum", "show the total not the average", "totals pls",
    "add them up" } })
kind("aggregate count", { say3 = { "count of rows", "just the count please" }, say2 = { "count rows", "number of records", "frequency instead", "show the count" }, base = "bar", allowed = { "encoding.y" }, check = agg_is("count"),
  say = { "count instead", "show counts", "number of rows instead", "how many rows per bar", "count them",
    "just count", "show the number of records" } })
kind("aggregate median", { say3 = { "median please", "show me median" }, say2 = { "median instead", "use the median", "show medians" }, base = "bar", allowed = { "encoding.y" }, check = agg_is("median"),
  say = { "median", "use median instead", "show median values", "medians please", "median not sum" } })
kind("aggregate min", { say3 = { "min please", "minimum instead" }, say2 = { "minimum values", "use min", "show minimums" }, base = "bar", allowed = { "encoding.y" }, check = agg_is("min"),
  say = { "minimum", "min instead", "show the min", "the smallest value per bar", "lowest value instead" } })
kind("aggregate max", { say3 = { "max please", "show maximum" }, say2 = { "maximum values", "use max", "show maximums" }, base = "bar", allowed = { "encoding.y" }, check = agg_is("max"),
  say = { "max", "maximum instead", "show the max", "the largest value per bar", "show the highest value" } })
kind("percent", { say3 = { "as percentage of total", "normalise to 100%", "percent stacked" }, say2 = { "percentages", "normalized", "show relative share", "make it relative", "percent of total", "as %" }, base = "colorbar", allowed = { "options" },
  check = function(r) return (r.options or {}).normalize == true, "not normalized" end,
  say = { "show as percentages", "percent", "as a share", "normalize", "normalise it", "show share of total",
    "percentage please", "in %", "make it 100%", "as percent of total", "100% stacked", "show proportions" } })
kind("top", { say3 = { "top 3 please", "show me the top 3", "only 3 biggest" }, say2 = { "only top 3", "top three only", "limit to 3", "just show 3 biggest", "first 3 only" }, base = "bar", allowed = { "transform", "encoding.x.sort", "encoding.y.sort" },
  check = function(r)
    local t = top_of(r)
    if not t then return false, "no top" end
    if t.top ~= 3 or t.order ~= "descending" then return false, ("top %s %s"):format(t.top, t.order) end
    return true
  end,
  say = { "top 3", "top 3 only", "only the top 3", "show top three", "the 3 biggest", "top3", "just the 3 largest",
    "highest 3", "keep top 3 pls", "3 highest only" } })
kind("bottom", { say3 = { "lowest two only", "bottom 2 please" }, say2 = { "bottom two", "smallest 2", "worst 2", "only the lowest two" }, base = "bar", allowed = { "transform", "encoding.x.sort", "encoding.y.sort" },
  check = function(r)
    local t = top_of(r)
    if not t then return false, "no top" end
    if t.top ~= 2 or t.order ~= "ascending" then return false, ("top %s %s"):format(t.top, t.order) end
    return true
  end,
  say = { "bottom 2", "lowest 2", "the 2 smallest", "only the bottom two", "2 lowest only", "show least 2" } })
kind("sort by value", { say3 = { "sort by size", "sort them descending", "order highest first" }, say2 = { "sort desc", "descending order", "order descending", "sort high to low", "biggest first", "sort bars" }, base = "bar", allowed = { "encoding.x.sort", "encoding.y.sort" },
  check = function(r)
    local s = r.encoding.x.sort
    if s ~= "-y" and s ~= "y" then return false, "sort " .. tostring(s) end
    return true
  end,
  say = { "sort", "sort descending", "sort by value", "order by size", "sort bars high to low", "ascending",
    "sort from smallest to largest", "rank them", "sort it pls", "order the bars by height", "sorted by value",
    "largest first" } })
kind("sort by name", { say3 = { "sort by name please", "alphabetic order" }, say2 = { "alphabetical", "sort alphabetical", "abc order", "order by name", "alphabetically please" }, base = "bar", allowed = { "encoding.x.sort" },
  check = function(r)
    local s = r.encoding.x.sort
    if s ~= "ascending" and s ~= "descending" then return false, "sort " .. tostring(s) end
    return true
  end,
  say = { "sort alphabetically", "sort by name", "a-z", "order alphabetically", "alphabetical order please",
    "sort by label", "sort names A to Z" } })
kind("sort on time (refuse)", { say3 = { "sort by size", "highest first" }, say2 = { "sort descending please", "order by value", "sort high to low" }, base = "line", allowed = {}, refuse_ok = true,
  check = function() return false, "edited" end,
  say = { "sort descending", "sort by value", "order by size", "sort it high to low", "rank them" } })
kind("filter only", { say3 = { "only show %V please", "%V only please", "keep just %V" }, say2 = { "show %V only", "only want %V", "just keep %V", "restrict to %V", "limit to %V", "focus on %V" }, base = "bar", need = "value", allowed = { "transform" },
  check = function(r, b, t)
    local f = filter_on(r, t.cat)
    if not f or not f.oneOf or #f.oneOf ~= 1 or tostring(f.oneOf[1]) ~= t.value then return false, "filter " .. json.encode(filters(r)) end
    return true
  end,
  say = { "only %V", "just %V", "%V only", "show only %V", "filter to %V", "keep only %V", "only show %V pls",
    "I want just %V", "filter %V" } })
kind("filter exclude", { say3 = { "remove %V please", "exclude %V from the chart", "drop %V please" }, say2 = { "without %V please", "get rid of %V", "filter out %V", "ignore %V", "omit %V", "skip %V", "%V removed" }, base = "bar", need = "value", allowed = { "transform" },
  check = function(r, b, t)
    local f = filter_on(r, t.cat)
    local n = f and f["not"]
    if not n or not n.oneOf or tostring(n.oneOf[1]) ~= t.value then return false, "filter " .. json.encode(filters(r)) end
    return true
  end,
  say = { "exclude %V", "without %V", "remove %V", "drop %V", "no %V", "everything except %V", "hide %V",
    "leave out %V", "take %V out", "exclude the %V one" } })
kind("filter range", { say3 = { "only %U over %L", "%U below %H only" }, say2 = { "%U > %L", "%U at least %L", "%U under %H", "%U between %L-%H", "only rows where %U exceeds %L" }, base = "bar", need = "num", allowed = { "transform" },
  check = function(r, b, t)
    if not filter_on(r, t.num) then return false, "filter " .. json.encode(filters(r)) end
    return true
  end,
  say = { "only %U above %L", "%U over %L", "%U greater than %L", "%U between %L and %H", "%U < %H",
    "where %U is at least %L", "%U more than %L only", "keep rows with %U below %H", "%U from %L to %H" } })
kind("filter dates", { say3 = { "only %Y please", "just %Y data" }, say2 = { "%Y data only", "for %Y", "in %Y only", "limit to %Y", "year %Y" }, base = "line", need = "years", allowed = { "transform", "encoding.x.timeUnit" },
  check = function(r, b, t)
    if not filter_on(r, t.time) then return false, "filter " .. json.encode(filters(r)) end
    return true
  end,
  say = { "only %Y", "just %Y", "%Y only", "since %Y", "after %Y", "before %Y", "from %Y onwards",
    "only data for %Y", "show %Y" } })
local GRAIN = { day = { "date", "yearmonthdate" }, week = { "week", "yearweek" }, month = { "yearmonth", "month" },
  quarter = { "yearquarter", "quarter" }, year = { "year" } }
for _, g in ipairs { "day", "week", "month", "quarter", "year" } do
  local ly = g == "day" and "daily" or g .. "ly"
  kind("time " .. g, { base = "line", allowed = { "encoding.x.timeUnit", "encoding.x.type" },
    check = function(r)
      local u = r.encoding.x.timeUnit
      for _, w in ipairs(GRAIN[g]) do if u == w then return true end end
      return false, "timeUnit " .. tostring(u)
    end,
    say = { "by " .. g, ly, "per " .. g, "group by " .. g .. "s", "show it by " .. g .. " instead",
      g .. "ly please", "aggregate " .. ly, "each " .. g } })
end
kind("log", { say3 = { "log scale please", "logarithmic y axis" }, say2 = { "logarithmic scale please", "log the y axis", "log-scale", "use log", "make it log" }, base = "bar", allowed = { "encoding.y.scale", "encoding.x.scale" },
  check = function(r)
    for _, ch in pairs(r.encoding) do if type(ch) == "table" and ch.scale and ch.scale.type == "log" then return true end end
    return false, "no log"
  end,
  say = { "log scale", "use a log scale", "logarithmic", "log y", "make the y axis logarithmic", "log axis pls",
    "logaritmic scale", "y on log", "log10 scale" } })
kind("horizontal", { say3 = { "horizontal bars please", "make bars horizontal" }, say2 = { "horizontal bar chart", "bars horizontal", "rotate to horizontal", "horizontal please" }, base = "bar", allowed = { "options.horizontal", "encoding" },
  check = function(r) return (r.options or {}).horizontal == true, "not horizontal" end,
  say = { "horizontal", "make it horizontal", "horizontal bars", "flip to horizontal", "sideways bars",
    "bars horizontally please", "turn it horizontal" } })
kind("vertical", { say3 = { "make it vertical", "vertical bars please" }, say2 = { "vertical bar chart", "bars vertical", "columns please", "vertical please" }, base = "hbar", allowed = { "options.horizontal", "encoding" },
  check = function(r) return not (r.options or {}).horizontal, "still horizontal" end,
  say = { "vertical", "vertical bars", "make the bars vertical again", "upright bars", "make it vertical pls" } })
kind("stacked", { say3 = { "stacked please", "stack the bars please" }, say2 = { "stack it", "stacked bar chart", "make them stacked", "stack please" }, base = "colorbar", allowed = { "options.stacked" },
  check = function(r) return (r.options or {}).stacked == true, "not stacked" end,
  say = { "stacked", "stack them", "stack the bars", "stacked bars please", "make it stacked", "stack" } })
kind("grouped", { say3 = { "grouped please", "side by side bars" }, say2 = { "unstacked", "grouped bar chart", "dont stack", "no stacking", "cluster the bars" }, base = "stackbar", allowed = { "options.stacked" },
  check = function(r) return not (r.options or {}).stacked, "still stacked" end,
  say = { "grouped", "side by side", "group the bars", "unstack", "not stacked", "grouped bars please",
    "bars next to each other", "dodge them" } })
kind("trend", { say3 = { "add trend", "show a trendline", "add a regression line please" }, say2 = { "trend line please", "add regression", "show a linear fit", "add a best-fit line", "with regression line" }, base = "scatter", allowed = { "options.regression", "options.trend", "options.loess" },
  check = function(r) local o = r.options or {}; return o.regression or o.loess or o.trend, "no trend" end,
  say = { "add a trend line", "trendline", "regression line", "fit a line", "show the trend", "add linear regression",
    "best fit line", "with a trend", "add trend pls", "line of best fit" } })
kind("labels on", { say3 = { "add data labels", "show the values on the bars", "label each bar" }, say2 = { "show data labels", "label values", "numbers on bars", "display values", "add value labels please" }, base = "bar", allowed = { "options.labels" },
  check = function(r) return (r.options or {}).labels == true, "no labels" end,
  say = { "show values", "add labels", "value labels", "label the bars", "show the numbers on the bars",
    "data labels on", "annotate values", "put the values on top", "show numbers", "with value labels pls" } })
kind("labels off", { say3 = { "remove data labels", "hide the numbers", "no value labels" }, say2 = { "hide labels", "no data labels", "remove the numbers", "turn off labels", "without labels" }, base = "labelbar", allowed = { "options.labels" },
  check = function(r) return not (r.options or {}).labels, "labels still on" end,
  say = { "remove labels", "no labels", "hide the values", "labels off", "without the numbers",
    "take away the data labels", "remove value labels" } })
kind("title", { say3 = { "title: Sales overview please", "change the title to Sales overview" }, say2 = { "title Sales overview", "set title: Sales overview", "chart title should be Sales overview", "retitle to Sales overview", "heading: Sales overview" }, base = "bar", allowed = { "title" },
  check = function(r) return r.title and r.title:lower() == "sales overview", "title " .. tostring(r.title) end,
  say = { "title: Sales overview", 'call it "Sales overview"', "rename the title to Sales overview",
    "change title to Sales overview", "set the title as 'Sales overview'", "name the chart Sales overview",
    "title it Sales overview", "new title: Sales overview" } })
kind("subtitle", { say3 = { "subtitle: Source: survey" }, say2 = { "add subtitle: source: survey", "subtitle = Source: survey" }, base = "bar", allowed = { "subtitle" },
  check = function(r) return r.subtitle and r.subtitle:lower() == "source: survey", "subtitle " .. tostring(r.subtitle) end,
  say = { "subtitle: source: survey", "add a subtitle 'Source: survey'", 'subtitle "Source: survey"',
    "set subtitle to Source: survey" } })
kind("axis title", { say3 = { "y axis title: Amount", "rename the y axis to Amount" }, say2 = { "y axis: Amount", "label y as Amount", "y label Amount", "name the y axis Amount", "title the y axis Amount" }, base = "bar", allowed = { "encoding.y.title", "encoding.x.title" },
  check = function(r)
    return (r.encoding.y.title or ""):lower() == "amount" or (r.encoding.x.title or ""):lower() == "amount", "no axis title"
  end,
  say = { "y axis title: Amount", "label the y axis Amount", "rename y axis to Amount", "y title Amount",
    "call the y axis 'Amount'", "y-axis label: Amount", "x axis title: Amount" } })
kind("theme", { say3 = { "dark theme please", "switch to dark mode" }, say2 = { "dark", "go dark", "night mode", "dark colours", "use dark theme please" }, base = "bar", allowed = { "theme" },
  check = function(r) return r.theme == "dark", "theme " .. tostring(r.theme) end,
  say = { "dark theme", "dark mode", "use the dark theme", "make it dark", "darkmode pls", "switch to dark",
    "dark background", "theme: dark" } })
kind("size", { say3 = { "make it larger", "bigger chart", "make it smaller" }, say2 = { "bigger", "make it large", "more compact", "width 1000", "1200x800", "make it smaller pls" }, base = "bar", allowed = { "width", "height" },
  check = function(r, b) return r.width ~= b.width or r.height ~= b.height, "same size" end,
  say = { "make it bigger", "larger", "smaller", "800x600", "make it wider", "size 1000 by 500", "twice as big",
    "bigger please", "make it taller", "width 900" } })
kind("undo", { say3 = { "undo last", "go back please", "revert it" }, say2 = { "undo please", "go back one step", "revert that", "previous version", "take that back", "cancel the last change" }, base = "bar", undo = true,
  say = { "undo", "go back", "revert", "undo that", "back to the previous one", "go back to the last chart",
    "previous chart pls", "nevermind, undo", "put it back how it was", "undo the last change" } })
kind("gridlines", { say3 = { "hide gridlines please", "remove grid lines", "add a grid" }, say2 = { "grid off", "turn off the grid", "gridlines on", "show the grid", "no grid lines please" }, base = "bar", allowed = { "config" },
  check = function(r) return r.config and (r.config.axis or r.config.axisX or r.config.axisY), "no grid" end,
  say = { "no gridlines", "remove grid", "hide gridlines", "gridlines off", "add gridlines", "show grid lines",
    "only horizontal gridlines", "without grid", "remove the grid lines pls", "no grid" } })
kind("markers", { say3 = { "remove markers", "add dots on the line" }, say2 = { "show points", "add markers", "markers off", "no points", "remove markers please" }, base = "line", allowed = { "options.points", "config" },
  check = function(r, b) return (r.options or {}).points ~= (b.options or {}).points, "no markers change" end,
  say = { "no markers", "remove the dots", "hide points", "show markers", "add points on the line", "with dots",
    "do not use symbols", "remove point markers", "show the data points" } })
kind("line width", { say3 = { "thicker line please", "make the lines bolder" }, say2 = { "thicker line", "make lines thinner", "line width 4", "wider lines", "heavier lines" }, base = "line", allowed = { "config" },
  check = function(r) return r.config and r.config.line and r.config.line.strokeWidth, "no width" end,
  say = { "thicker lines", "line width 3", "make the lines thinner", "bold lines", "thinner line", "lines thicker pls",
    "make the line thicker", "stroke width 2" } })
kind("single colour", { say3 = { "make the bars green", "colour it orange please" }, say2 = { "red", "make it blue", "colour everything green", "use a grey colour", "paint it black" }, base = "bar", allowed = { "config" },
  check = function(r) return r.config and r.config.mark and r.config.mark.color, "no colour" end,
  say = { "make the bars red", "color it green", "use orange", "change the colour to navy", "bars in dark blue",
    "make it red", "red bars please", "colour the bars purple", "all bars grey" } })
kind("legend", { say3 = { "move the legend to the bottom", "legend on the left please", "hide legend please" }, say2 = { "legend top", "legend on the right", "hide legend", "put legend below", "legend off" }, base = "colorbar", allowed = { "config" },
  check = function(r) return r.config and r.config.legend, "no legend config" end,
  say = { "legend at the bottom", "move legend to the top", "put the legend on the left", "hide the legend",
    "no legend", "legend on top pls", "move the legend below the chart", "remove legend" } })
kind("label angle", { say3 = { "rotate x labels", "angle the labels 45 degrees", "tilt labels" }, say2 = { "rotate the labels 45", "slanted labels", "angle x labels", "labels at 45 degrees", "diagonal labels" }, base = "bar", allowed = { "config" },
  check = function(r) return r.config and (r.config.axisX or r.config.axis), "no angle" end,
  say = { "rotate labels", "rotate x labels 45 degrees", "angle the labels", "vertical labels",
    "tilt the x axis labels", "labels at 90 degrees", "make labels horizontal", "rotate the category names" } })

-- the bases: a chart chartd plans for the table's own request, then changed as the kind needs
local function plan(t, df, which)
  local prompt = ({ bar = t.bar, meanbar = t.bar, colorbar = t.bar, stackbar = t.bar, hbar = t.bar, labelbar = t.bar,
    line = t.line, scatter = t.scatter, scatterable = t.line or t.bar })[which]
  if not prompt then return nil end
  local spec = offline.plan(prompt, df)
  if not spec then return nil end
  spec.data = nil
  if which == "bar" and not (spec.type == "bar" and spec.encoding.x and df.types[spec.encoding.x.field] == "nominal") then
    return nil
  end
  if which == "meanbar" then spec.encoding.y.aggregate = "mean" end
  if which == "colorbar" or which == "stackbar" then
    if not t.split then return nil end
    spec.encoding.color = { field = t.split, type = "nominal" }
    if which == "stackbar" then spec.options = { stacked = true } end
  end
  if which == "hbar" then spec.options = { horizontal = true } end
  if which == "labelbar" then spec.options = { labels = true } end
  if which == "line" and not (spec.encoding.x and df.types[spec.encoding.x.field] == "temporal") then return nil end
  if which == "scatter" and spec.type ~= "scatter" then return nil end
  return spec
end

local function fill(s, t, df)
  local ok = true
  local function need(v) if v == nil then ok = false; return "" end return v end
  s = s:gsub("%%C", function() return need(t.split and form(t.split)) end)
  s = s:gsub("%%V", function() return need(t.value) end)
  s = s:gsub("%%M", function() return need(t.m2 and form(t.m2)) end)
  s = s:gsub("%%U", function() return need(t.num and form(t.num)) end)
  s = s:gsub("%%L", function() return need(t.lo and tostring(t.lo)) end)
  s = s:gsub("%%H", function() return need(t.hi and tostring(t.hi)) end)
  s = s:gsub("%%Y", function() return need(t.years and gen.pick(t.years)) end)
  return ok and s or nil
end

local totals, fails = {}, {}
local function count(kindname, outcome)
  totals[kindname] = totals[kindname] or { applied = 0, noted = 0, unclear = 0, wrong = 0, error = 0, n = 0 }
  totals[kindname][outcome] = totals[kindname][outcome] + 1
  totals[kindname].n = totals[kindname].n + 1
end

for _, t in ipairs(TABLES) do
  local df = load(t.file)
  for _, k in ipairs(K) do
    if not only_kind or k.name:find(only_kind, 1, true) then
      local base = plan(t, df, k.base)
      if base then
        t.cat = base.encoding.x and base.encoding.x.field
        t.time = base.encoding.x and df.types[base.encoding.x.field] == "temporal" and base.encoding.x.field
        for _, phr in ipairs(heldout and (k[heldout] or {}) or k.say) do
          local prompt = fill(phr, t, df)
          if prompt then
            local ok, r = pcall(followup.interpret, prompt, base, df, {})
            local outcome, why
            if not ok then outcome, why = "error", tostring(r)
            elseif k.undo then
              outcome = r.kind == "undo" and "applied" or "wrong"; why = r.kind
            elseif r.kind == "edit" then
              local good, w = k.check(r.spec, base, t)
              local clean, extra = only(changed(base, r.spec), k.allowed)
              if good and clean then outcome = "applied"
              else outcome, why = "wrong", (w or ("also changed " .. tostring(extra))) end
              if k.refuse_ok then outcome, why = "wrong", "edited a time axis: " .. json.encode(r.spec.encoding.x) end
            elseif r.kind == "style" then
              outcome, why = "noted", table.concat(r.notes or {}, "; ")
              if k.refuse_ok then outcome = "applied" end
            elseif r.kind == "unclear" then
              outcome, why = "unclear", r.message
              if k.refuse_ok and r.refused then outcome = "applied" end
            elseif r.kind == "new" then
              -- what the agent does then: plan afresh, keep the context
              local spec = offline.plan(prompt, df)
              if spec then
                spec.data = nil
                spec = followup.carry(spec, base, df, {})
                local good = k.check and k.check(spec, base, t)
                outcome = good and "applied" or "wrong"
                why = "new: " .. json.encode(spec.encoding)
              else
                outcome, why = "unclear", "new, not planned"
              end
            else
              outcome, why = "wrong", r.kind
            end
            count(k.name, outcome)
            if outcome ~= "applied" then
              fails[#fails + 1] = ("%-22s %-8s %-18s %q: %s"):format(k.name, outcome, t.file:match("[^/]+$"), prompt, why or "")
            end
          end
        end
      end
    end
  end
end

local all = { applied = 0, noted = 0, unclear = 0, wrong = 0, error = 0, n = 0 }
print(("%-22s %5s %8s %6s %8s %6s %6s"):format("kind", "n", "applied", "noted", "unclear", "wrong", "error"))
for _, k in ipairs(K) do
  local c = totals[k.name]
  if c then
    print(("%-22s %5d %8d %6d %8d %6d %6d"):format(k.name, c.n, c.applied, c.noted, c.unclear, c.wrong, c.error))
    for f, v in pairs(c) do all[f] = all[f] + v end
  end
end
print(("%-22s %5d %8d %6d %8d %6d %6d   (%.1f %% applied)"):format("ALL", all.n, all.applied, all.noted, all.unclear,
  all.wrong, all.error, 100 * all.applied / math.max(all.n, 1)))
if verbose then for _, f in ipairs(fails) do print(f) end end
