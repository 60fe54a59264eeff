-- A generator of follow-up paraphrases (seeded): the issue's edit grammar and the styling words,
-- each said the way different people type it (terse with typos and abbreviations, chatty,
-- non-native, as a question, as a correction, hedged), filled with the columns and values of
-- real tables. Each case carries the chart it edits and a check of the outcome and of the field
-- or value edited. Used by followup_paraphrase_spec.lua (and to measure rates per class).
local frame = require "data.frame"
local json = require "util.json"

local M = {}

local DIR = "node_modules/vega-datasets/data/"
local function slurp(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- The tables: a category column drawn on x (cat), a second one to split by (cat2), the measure
-- drawn (measure) and a second one (measure2), each with the words people use for it; a date
-- column when the table has one.
M.TABLES = {
  { file = "seattle-weather.csv", cat = "weather", cat_words = { "weather", "weather type" },
    cat2 = nil, measure = "temp_max", measure2 = "precipitation", m2_words = { "precipitation", "precip" },
    date = "date", years = { 2012, 2015 } },
  { file = "penguins.json", cat = "Species", cat_words = { "species" }, cat2 = "Island",
    c2_words = { "island", "islands" }, measure = "Body Mass (g)", measure2 = "Flipper Length (mm)",
    m2_words = { "flipper length", "flipper length (mm)", "flippers" } },
  { file = "cars.json", cat = "Origin", cat_words = { "origin", "region" }, cat2 = "Cylinders",
    c2_words = { "cylinders", "cylinder count", "number of cylinders" }, measure = "Miles_per_Gallon",
    measure2 = "Horsepower", m2_words = { "horsepower", "hp" }, date = "Year", years = { 1970, 1982 },
    scatter = { "Horsepower", "Miles_per_Gallon" } },
  { file = "gapminder.json", cat = "country", cat_words = { "country" }, cat2 = "cluster",
    c2_words = { "cluster" }, measure = "life_expect", measure2 = "fertility",
    m2_words = { "fertility", "fertility rate" }, scatter = { "fertility", "life_expect" } },
  { file = "flights-5k.json", cat = "origin", cat_words = { "origin", "origin airport" }, cat2 = "destination",
    c2_words = { "destination", "destinations" }, measure = "delay", measure2 = "distance",
    m2_words = { "distance", "distance flown" }, date = "date", years = { 2001, 2001 } },
  { file = "countries.json", cat = "country", cat_words = { "country" }, measure = "life_expect",
    measure2 = "fertility", m2_words = { "fertility" }, scatter = { "fertility", "life_expect" } },
  { file = "monarchs.json", cat = "name", cat_words = { "monarch", "name" }, measure = "end",
    measure2 = "start", m2_words = { "start" } },
  { path = "../shared/data/superstore.csv", cat = "Region", cat_words = { "region", "regions" },
    cat2 = "Segment", c2_words = { "segment", "customer segment" }, measure = "Sales", measure2 = "Profit",
    m2_words = { "profit", "profits" }, date = "Order Date", years = { 2016, 2017 } },
}

function M.load(t)
  local text = slurp(t.path or DIR .. t.file)
  if not text then return nil end
  local data = text
  if (t.file or ""):match("%.json$") then data = { values = json.decode(text) } end
  return assert(frame.from_data(data))
end

local rng
local function rand(n)
  rng = (rng * 1103515245 + 12345) % 2147483648
  return rng % n + 1
end
local function pick(list) return list[rand(#list)] end

-- ---------------------------------------------------------------------------------------------
-- Voices: how a phrase (imperative "imp" or noun phrase "np") is typed.
local ABBREV = { average = "avg", please = "pls", without = "w/o", ["with"] = "w/", because = "bc",
  percentage = "pct", percentages = "pct", horizontal = "horiz", number = "no.", ["you"] = "u", ["are"] = "r" }
local function typo(word)
  if #word < 5 or word:find("[^%a]") then return word end
  local k = rand(#word - 2) + 1
  local kind = rand(3)
  if kind == 1 then return word:sub(1, k - 1) .. word:sub(k + 1, k + 1) .. word:sub(k, k) .. word:sub(k + 2) end
  if kind == 2 then return word:sub(1, k - 1) .. word:sub(k + 1) end
  return word:sub(1, k) .. word:sub(k, k) .. word:sub(k + 1)
end

-- terse: lower case, abbreviations, one typo in a word that is not a quoted value
local function terse(p, want)
  local words = {}
  -- a title is kept as written (a value may be typed in lower case, never misspelt)
  local protect = want.title or want.value
  local keep = want.title and p:find(want.title, 1, true)
  if keep then p = p:gsub(protect:gsub("%p", "%%%0"), "\1") end
  for w in p:lower():gmatch("%S+") do
    if ABBREV[w] then w = ABBREV[w] end
    if w ~= "the" and w ~= "a" then words[#words + 1] = w end
  end
  local candidates = {}
  for i, w in ipairs(words) do
    if #w >= 5 and not (protect and tostring(protect):lower():find(w, 1, true)) and not w:find("[^%a]") then
      candidates[#candidates + 1] = i
    end
  end
  if #candidates > 0 then
    local i = pick(candidates)
    words[i] = typo(words[i])
  end
  local out = table.concat(words, " ")
  if keep then out = out:gsub("\1", function() return protect end) end
  return out .. pick { "", " pls", "" }
end

M.VOICES = {
  plain = function(p) return p end,
  terse = terse,
  chatty = function(p, _, form)
    if form == "np" then return pick { "could I maybe get %s?", "would be great to have %s please", "hey, %s would be nice" }:format(p) end
    return pick { "could you maybe %s?", "would it be possible to %s please", "hey can you %s", "please %s, thanks!" }:format(p)
  end,
  question = function(p, _, form)
    if form == "np" then return pick { "can I see %s?", "how about %s?", "what about %s?" }:format(p) end
    return pick { "can you %s?", "could you %s?", "is it possible to %s?" }:format(p)
  end,
  nonnative = function(p, _, form)
    if form == "np" then return pick { "i want %s", "please %s", "%s is possible?" }:format(p) end
    return pick { "please %s", "i want you %s", "you can %s please" }:format(p)
  end,
  correction = function(p) return pick { "no, I meant %s", "sorry, i mean %s", "no no, %s" }:format(p) end,
  hedge = function(p) return pick { "actually %s", "hmm, actually %s", "actually, %s" }:format(p) end,
}
M.VOICE_NAMES = { "plain", "terse", "chatty", "question", "nonnative", "correction", "hedge" }

-- ---------------------------------------------------------------------------------------------
-- Charts edited
local function bars(t)
  return { type = "bar", encoding = { x = { field = t.cat, type = "nominal" },
    y = { field = t.measure, type = "quantitative", aggregate = "mean" } } }
end
local function split_bars(t)
  local s = bars(t)
  s.encoding.color = { field = t.cat2, type = "nominal" }
  return s
end
local function timeline(t)
  return { type = "line", encoding = { x = { field = t.date, type = "temporal", timeUnit = "yearmonth" },
    y = { field = t.measure, type = "quantitative", aggregate = "mean" } } }
end
local function scatter(t)
  return { type = "scatter", encoding = { x = { field = t.scatter[1], type = "quantitative" },
    y = { field = t.scatter[2], type = "quantitative" } } }
end

local function filters(spec)
  local out = {}
  for _, step in ipairs(spec.transform or {}) do if step.filter then out[#out + 1] = step.filter end end
  return out
end
local function fields_of(f)
  if type(f) ~= "table" then return {} end
  local out = {}
  if f.field then out[f.field] = true end
  for _, k in ipairs { "not", "and", "or" } do
    local sub = f[k]
    if type(sub) == "table" then
      if sub.field then out[sub.field] = true end
      for _, s in ipairs(sub) do for n in pairs(fields_of(s)) do out[n] = true end end
    end
  end
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Classes: each gives phrases (text, form) for a table, the chart they edit, and a check of the
-- result: check(r, t, ...) → true, or false and what was wrong.
local function edit(r) return r.kind == "edit" and r.spec end

M.CLASSES = {}
local function class(name, def) def.name = name; M.CLASSES[#M.CLASSES + 1] = def end

local TYPES = { line = { "line", "lines", "line graph" }, area = { "area", "area chart" },
  scatter = { "scatter", "scatter plot", "scatterplot" }, pie = { "pie", "pie chart" } }
class("type", {
  base = bars,
  make = function(t)
    local kind = pick { "line", "area", "scatter", "pie" }
    if kind == "scatter" and not t.scatter then kind = "line" end
    local w = pick(TYPES[kind])
    local bare = w:gsub(" chart$", ""):gsub(" graph$", "")
    local text, form = table.unpack(pick {
      { "make it a " .. bare .. " chart", "imp" }, { "change it to a " .. bare .. " chart", "imp" },
      { "switch to " .. w, "imp" }, { "turn this into a " .. bare .. " chart", "imp" }, { "show it as a " .. w, "imp" },
      { bare .. " chart", "np" }, { "as a " .. w, "np" }, { w .. " instead", "np" }, { "a " .. bare .. " chart", "np" },
    })
    return text, form, { kind = kind }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.type == want.kind, "type " .. tostring(s.type)
  end,
})

local SPLIT = { "colour by %s", "color it by %s", "split by %s", "split each bar by %s", "stack by %s",
  "group by %s", "segment by %s", "break it down by %s", "slice by %s", "add %s to the legend",
  "color the bars by %s", "break down by %s", "colour-code by %s" }
class("split", {
  needs = "cat2", base = bars,
  make = function(t) return pick(SPLIT):format(pick(t.c2_words)), "imp", {} end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    return s.encoding.color and s.encoding.color.field == t.cat2 and s.encoding.x.field == t.cat,
      "color " .. tostring(s.encoding.color and s.encoding.color.field)
  end,
})

local FACET = { "facet by %s", "facet it by %s", "panels by %s", "small multiples by %s", "separate charts for each %s",
  "one chart per %s", "split into panels by %s", "a separate chart for every %s", "small multiple per %s" }
class("facet", {
  needs = "cat2", base = bars,
  make = function(t) return pick(FACET):format(pick(t.c2_words)), "imp", {} end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    local e = s.encoding
    local f = (e.column and e.column.field) or (e.row and e.row.field) or (e.facet and e.facet.field)
    return f == t.cat2, "facet " .. tostring(f)
  end,
})

class("swap", {
  base = bars,
  make = function() return pick { "swap axes", "swap the axes", "flip the axes", "switch x and y", "swap x and y",
    "flip x and y", "switch the axes around" }, "imp", {} end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    local e = s.encoding
    return (s.options and s.options.horizontal) or (e.y.field == t.cat and e.x.field == t.measure), "not swapped"
  end,
})

class("axis", {
  base = bars,
  make = function(t)
    local w = pick(t.m2_words)
    return pick { "put %s on the y axis", "%s on the y axis", "use %s for the y axis", "y axis should be %s",
      "show %s on y", "plot %s on the y-axis" }:format(w), "imp", {}
  end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    return s.encoding.y.field == t.measure2, "y " .. tostring(s.encoding.y.field)
  end,
})

local AGG = { { "average", "mean" }, { "mean", "mean" }, { "total", "sum" }, { "sum", "sum" }, { "median", "median" },
  { "minimum", "min" }, { "min", "min" }, { "maximum", "max" }, { "max", "max" }, { "count", "count" } }
class("aggregate", {
  base = function(t) local s = bars(t); s.encoding.y.aggregate = "sum"; return s end,
  make = function()
    local a = pick(AGG)
    if a[2] == "sum" then a = AGG[1] end
    local text, form = table.unpack(pick { { "show the %s instead", "imp" }, { "use %s", "imp" },
      { "%s instead of total", "np" }, { "switch to %s", "imp" }, { "%s please", "np" }, { "the %s", "np" } })
    return text:format(a[1]), form, { agg = a[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.encoding.y.aggregate == want.agg, "aggregate " .. tostring(s.encoding.y.aggregate)
  end,
})

class("percent", {
  needs = "cat2", base = split_bars,
  make = function() return table.unpack(pick { { "show as percentages", "imp" }, { "percent of total", "np" },
    { "as a share of the total", "np" }, { "normalize it", "imp" }, { "make it 100%", "imp" }, { "show the shares", "imp" },
    { "percentages instead", "np" }, { "show it as percent", "imp" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.options and s.options.normalize, "not normalized"
  end,
})

class("top", {
  base = bars,
  make = function()
    local n = rand(8) + 1
    local bottom = rand(3) == 1
    local text
    if bottom then
      text = pick { "bottom %d", "only the bottom %d", "the %d lowest", "show the %d smallest" }
    else
      text = pick { "top %d", "only the top %d", "show top %d", "the %d highest", "top %d only", "just the %d biggest" }
    end
    return text:format(n), "imp", { n = n, order = bottom and "ascending" or "descending" }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    for _, step in ipairs(s.transform or {}) do
      if step.top then return step.top == want.n and step.order == want.order, "top " .. step.top .. " " .. step.order end
    end
    return false, "no top"
  end,
})

class("sort", {
  base = bars,
  make = function()
    local s = pick { { "sort descending", "-y" }, { "sort by value", "-y" }, { "sort high to low", "-y" },
      { "order from biggest to smallest", "-y" }, { "sort ascending", "y" }, { "sort low to high", "y" },
      { "sort alphabetically", "ascending" }, { "sort by name", "ascending" }, { "largest first", "-y" },
      { "smallest first", "y" }, { "sort the bars descending", "-y" } }
    return s[1], "imp", { sort = s[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local got = s.encoding.x.sort
    return got == want.sort, "sort " .. tostring(got)
  end,
})

local function a_value(df, col)
  local vals = frame.distinct(df, col)
  local v = vals[rand(math.min(#vals, 6))]
  return v
end
class("only", {
  base = bars,
  make = function(t, df)
    local v = a_value(df, t.cat)
    return pick { "only %s", "just %s", "show only %s", "keep %s", "filter to %s", "%s only", "only show %s",
      "just show me %s" }:format(v), "imp", { value = v }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local f = filters(s)[1]
    return f and f.field == t.cat and f.oneOf and f.oneOf[1] == want.value and #f.oneOf == 1, json.encode(f or {})
  end,
})

class("exclude", {
  base = bars,
  make = function(t, df)
    local v = a_value(df, t.cat)
    return pick { "exclude %s", "without %s", "remove %s", "drop %s", "hide %s", "everything except %s",
      "leave out %s", "take out %s", "no %s" }:format(v), "imp", { value = v }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local f = filters(s)[1]
    local n = f and f["not"]
    return n and n.field == t.cat and n.oneOf and n.oneOf[1] == want.value, json.encode(f or {})
  end,
})

class("range", {
  base = bars,
  make = function(t, df)
    local sm = frame.summary(df, t.measure2)
    local n = math.floor((sm.min + sm.max) / 2)
    local w = pick(t.m2_words)
    return pick { "only where %s is above %d", "%s over %d", "%s greater than %d", "only rows with %s > %d",
      "%s below %d only", "only %s under %d" }:format(w, n), "imp", {}
  end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    local f = filters(s)[1]
    return f and fields_of(f)[t.measure2], json.encode(f or {})
  end,
})

class("dates", {
  needs = "date", base = timeline,
  make = function(t)
    -- (a year before the last: "after <last year>" keeps no row, and is left out)
    local a, b = t.years[1], t.years[2]
    local y = a + rand(math.max(1, b - a)) - 1
    local text = pick { "only %d", "just %d", "%d only", "since %d", "after %d", "only show %d", "from %d on" }:format(y)
    if b > a and rand(3) == 1 then text = pick { "from %d to %d", "between %d and %d", "%d-%d only" }:format(a, b) end
    return text, "imp", {}
  end,
  check = function(r, t)
    local s = edit(r)
    if not s then return false end
    local f = filters(s)[1]
    return f and fields_of(f)[t.date], json.encode(f or {})
  end,
})

class("granularity", {
  needs = "date", base = timeline,
  make = function()
    local g = pick { { "by week", "yearweek" }, { "weekly", "yearweek" }, { "per week", "yearweek" },
      { "by quarter", "yearquarter" }, { "quarterly", "yearquarter" }, { "by year", "year" }, { "yearly", "year" },
      { "annual", "year" }, { "per year", "year" }, { "daily", "yearmonthdate" }, { "by day", "yearmonthdate" },
      { "aggregate by quarter", "yearquarter" }, { "group it by year", "year" }, { "show it per week", "yearweek" } }
    return g[1], "np", { unit = g[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.encoding.x.timeUnit == want.unit, "unit " .. tostring(s.encoding.x.timeUnit)
  end,
})

class("log", {
  base = bars,
  make = function() return table.unpack(pick { { "log scale", "np" }, { "use a log scale", "imp" },
    { "logarithmic y axis", "np" }, { "make the y axis log", "imp" }, { "switch to log scale", "imp" },
    { "log y", "np" }, { "put it on a log scale", "imp" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.encoding.y.scale and s.encoding.y.scale.type == "log", "no log"
  end,
})

class("orientation", {
  base = bars,
  make = function() return table.unpack(pick { { "horizontal", "np" }, { "make it horizontal", "imp" },
    { "horizontal bars", "np" }, { "turn the bars sideways", "imp" }, { "bars going across", "np" },
    { "flip it to horizontal", "imp" }, { "horizontal bar chart", "np" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.options and s.options.horizontal, "not horizontal"
  end,
})

class("stacking", {
  needs = "cat2", base = split_bars,
  make = function()
    local s = pick { { "stacked", true }, { "stack them", true }, { "stack the bars", true }, { "make it stacked", true },
      { "grouped", false }, { "side by side", false }, { "put the bars next to each other", false },
      { "grouped bars", false }, { "unstack them", false } }
    return s[1], "imp", { stacked = s[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    -- grouped is the default: no stacked option, the stacking edit made
    local got = s.options and s.options.stacked or false
    local made = false
    for _, e in ipairs(r.edits or {}) do if e == "stack" then made = true end end
    return made and got == want.stacked, "stacked " .. tostring(got)
  end,
})

class("trend", {
  needs = "scatter", base = scatter,
  make = function() return table.unpack(pick { { "add a trend line", "imp" }, { "trendline", "np" },
    { "show a regression line", "imp" }, { "add a line of best fit", "imp" }, { "fit a line", "imp" },
    { "with a trend line", "np" }, { "add regression", "imp" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.options and s.options.regression, "no regression"
  end,
})

class("labels", {
  base = bars,
  make = function() return table.unpack(pick { { "show values", "imp" }, { "add value labels", "imp" },
    { "label the bars", "imp" }, { "show the numbers on the bars", "imp" }, { "data labels on", "np" },
    { "put the values on top", "imp" }, { "with labels", "np" }, { "add the numbers", "imp" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.options and s.options.labels, "no labels"
  end,
})

local TITLES = { "Weather at a glance", "Q3 review", "My chart", "Results 2024", "Draft for Anna" }
class("title", {
  base = bars,
  make = function()
    local T = pick(TITLES)
    return pick { 'title it "%s"', "call it %s", "change the title to %s", "set the title to %s", "title: %s",
      'rename the chart to "%s"' }:format(T), "imp", { title = T }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.title == want.title, "title " .. tostring(s.title)
  end,
})

class("subtitle", {
  base = bars,
  make = function()
    local T = pick(TITLES)
    return pick { 'subtitle "%s"', "add a subtitle saying %s", "subtitle: %s", "set the subtitle to %s" }:format(T),
      "imp", { title = T }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.subtitle == want.title, "subtitle " .. tostring(s.subtitle)
  end,
})

class("axis_title", {
  base = bars,
  make = function()
    local T = pick { "Average", "Amount", "Value in units", "Score" }
    return pick { "rename the y axis to %s", "y axis title: %s", "call the y axis %s", "label the y axis %s",
      'y-axis title "%s"' }:format(T), "imp", { title = T }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.encoding.y.title == want.title, "y title " .. tostring(s.encoding.y.title)
  end,
})

class("theme", {
  base = bars,
  make = function()
    local th = pick { { "dark theme", "dark" }, { "use dark mode", "dark" }, { "dark background", "dark" },
      { "switch to the light theme", "light" }, { "minimal theme", "minimal" }, { "make it dark", "dark" },
      { "colourblind friendly colours", "colourblind" }, { "print theme", "print" } }
    return th[1], "np", { theme = th[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    return s.theme == want.theme, "theme " .. tostring(s.theme)
  end,
})

class("size", {
  base = bars,
  make = function()
    local s = pick { { "make it bigger", "bigger" }, { "larger please", "bigger" }, { "make it smaller", "smaller" },
      { "make it 800 by 400", 800 }, { "800x600", 800 }, { "width 1000", 1000 }, { "a bit bigger", "bigger" },
      { "shrink it", "smaller" } }
    return s[1], "imp", { size = s[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    if type(want.size) == "number" then return s.width == want.size, "width " .. tostring(s.width) end
    return s.width ~= nil, "no width"
  end,
})

class("undo", {
  base = bars,
  make = function() return pick { "undo", "go back", "undo that", "revert", "back to the previous one",
    "previous chart", "go back to the last one", "revert that change" }, "np", {} end,
  check = function(r) return r.kind == "undo", r.kind end,
})

class("grid", {
  base = bars,
  make = function()
    local g = pick { { "hide gridlines", false }, { "no grid", false }, { "remove the grid lines", false },
      { "gridlines off", false }, { "add gridlines", true }, { "show the grid", true }, { "turn on grid lines", true } }
    return g[1], "imp", { grid = g[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local got = s.config and s.config.axis and s.config.axis.grid
    return got == want.grid, "grid " .. tostring(got)
  end,
})

class("markers", {
  needs = "date", base = timeline,
  make = function()
    local m = pick { { "no markers", false }, { "remove the dots", false }, { "add points", true },
      { "show markers", true }, { "hide the points", false }, { "put dots on the line", true }, { "without symbols", false } }
    return m[1], "imp", { points = m[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local got = s.options and s.options.points
    return got == want.points, "points " .. tostring(got)
  end,
})

class("line_width", {
  needs = "date", base = timeline,
  make = function() return table.unpack(pick { { "thicker line", "np" }, { "make the line thicker", "imp" },
    { "thinner lines", "np" }, { "line width 3", "np" }, { "bolder line", "np" }, { "make the line thinner", "imp" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.config and s.config.line and s.config.line.strokeWidth, "no width"
  end,
})

class("mark_color", {
  base = bars,
  make = function()
    local c = pick { "red", "green", "blue", "orange", "purple", "grey", "teal" }
    return pick { "make the bars %s", "colour it %s", "use %s", "change the color to %s", "%s bars", "bars in %s" }:format(c),
      "imp", {}
  end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.config and s.config.mark and s.config.mark.color, "no colour"
  end,
})

class("legend", {
  needs = "cat2", base = split_bars,
  make = function()
    -- chartd draws no legend on the left: "right", with a note
    local l = pick { { "legend at the bottom", "bottom" }, { "move the legend to the left", "right" },
      { "put the legend on top", "top" }, { "hide the legend", "none" }, { "no legend", "none" },
      { "legend on the right", "right" }, { "move legend below the chart", "bottom" } }
    return l[1], "imp", { orient = l[2] }
  end,
  check = function(r, t, want)
    local s = edit(r)
    if not s then return false end
    local got = s.config and s.config.legend and s.config.legend.orient
    return got == want.orient, "legend " .. tostring(got)
  end,
})

class("label_angle", {
  base = bars,
  make = function() return table.unpack(pick { { "rotate labels 45 degrees", "imp" }, { "tilt the x labels", "imp" },
    { "angle the labels", "imp" }, { "vertical labels", "np" }, { "rotate the x axis labels 90", "imp" },
    { "slant the labels", "imp" }, { "diagonal labels", "np" } }) end,
  check = function(r)
    local s = edit(r)
    if not s then return false end
    return s.config and s.config.axisX and s.config.axisX.labelAngle, "no angle"
  end,
})

class("font_size", {
  base = bars,
  -- font sizes are config.axis.labelFontSize, axis.titleFontSize, title.fontSize, legend.labelFontSize
  make = function()
    local text, form, want = table.unpack(pick { { "bigger font", "np", 1 }, { "larger text", "np", 1 },
      { "increase the font size", "imp", 1 }, { "font size 14", "np", 14 }, { "smaller font", "np", -1 },
      { "make the text bigger", "imp", 1 } })
    return text, form, { change = want }
  end,
  check = function(r, _, want)
    local s = edit(r)
    if not s then return false, r.kind end
    local c = s.config or {}
    local size = c.axis and c.axis.labelFontSize or c.title and c.title.fontSize
    if not size then return false, "no font size" end
    if want.change == 1 then return size > 11, "size " .. size end
    if want.change == -1 then return size < 11, "size " .. size end
    return size == want.change, "size " .. size
  end,
})

-- ---------------------------------------------------------------------------------------------
-- cases(seed, per_class) → list of { class, voice, table, text, base, df, want }
function M.cases(seed, per)
  rng = seed
  local tables = {}
  for _, t in ipairs(M.TABLES) do
    local df = M.load(t)
    if df then tables[#tables + 1] = { t = t, df = df } end
  end
  local out = {}
  for _, c in ipairs(M.CLASSES) do
    local fit = {}
    for _, x in ipairs(tables) do if not c.needs or x.t[c.needs] then fit[#fit + 1] = x end end
    for k = 1, per do
      local x = fit[(k - 1) % #fit + 1]
      local voice = M.VOICE_NAMES[(k - 1) % #M.VOICE_NAMES + 1]
      local text, form, want = c.make(x.t, x.df)
      want = want or {}
      local said = M.VOICES[voice](text, want, form)
      out[#out + 1] = { class = c, voice = voice, table = x.t, df = x.df, text = said, base = c.base(x.t), want = want }
    end
  end
  return out
end

return M
