-- Follow-up edits: "make it a line chart", "only 2024", "use the dark theme", "sort
-- descending", 'add a title "Q4"' applied to the connection's last spec. Each rule reads a
-- kind of wording (chart words, years, values of the data, theme names...), not sentences;
-- a prompt is an edit only when rules account for nearly all of its content words.
local charts = require "charts"
local frame = require "data.frame"
local lex = require "planner.lexicon"
local offline = require "planner.offline"

local M = {}

-- Words that carry no content in an edit ("make it", "switch to", "now", "instead").
local FILLER = {}
for w in ([[make it its use using show showing change switch turn convert instead now please chart
  graph plot version one same but rather than try can you could would do view display into just only
  me let lets let's again type style want like see give draw redraw render set put keep so then
  also too bit little more into kind form
  nicer better cleaner prettier simple simpler]]):gmatch("%S+") do FILLER[w] = true end

local CHART_KIND = { donut = "donut", doughnut = "donut" }
local SORT_WORDS = { descending = "-y", desc = "-y", ascending = "y", asc = "y", decreasing = "-y",
  increasing = "y" }
local THEME_WORDS = { dark = "dark", light = "light", night = "dark", black = "dark", white = "light" }

local copy = require("util.tables").deep_copy

local function theme_names()
  local known = {}
  local ok, themes = pcall(require, "themes")
  if ok and type(themes) == "table" and type(themes.names) == "function" then
    local listed, names = pcall(themes.names)
    if listed then for _, n in ipairs(names) do known[n] = n end end
  end
  return known
end

-- The base spec's data as a frame plus records, so rules can read columns and filter rows.
local function data_of(spec)
  if spec.data == nil then return nil end
  local ok, df = pcall(frame.from_data, spec.data, "data")
  if not ok or type(df) ~= "table" or not df.names then return nil end
  -- the encodings' types win over inference ("2024" strings on a temporal axis are years)
  for _, ch in pairs(spec.encoding or {}) do
    if type(ch) == "table" and ch.field and ch.type and df.types[ch.field] and ch.type ~= df.types[ch.field]
        and (ch.type == "temporal" or df.types[ch.field] == "temporal") then
      pcall(frame.set_type, df, ch.field, ch.type)
    end
  end
  return df
end

-- Channels ------------------------------------------------------------------------

local function measure_channel(enc)
  if enc.theta then return "theta" end
  if enc.y and enc.y.type == "quantitative" then return "y" end
  if enc.x and enc.x.type == "quantitative" and not enc.x.bin then return "x" end
  return nil
end

local function quantitative_columns(df)
  local out = {}
  if not df then return out end
  for _, n in ipairs(df.names) do if df.types[n] == "quantitative" then out[#out + 1] = n end end
  return out
end

local function retitled(ch)
  local c = copy(ch)
  c.title = nil -- a title computed for the old chart would now lie
  return c
end

-- Moves the encodings of spec to chart type `kind` → true | nil, message.
local function convert(spec, kind, df)
  local enc, from = spec.encoding or {}, spec.type
  if from == kind then return true end
  local ne = {}
  local mname = measure_channel(enc)
  local measure = mname and enc[mname]
  if from == "histogram" and enc.x and enc.x.bin then measure = nil end
  -- the grouping: x unless x is the measure; a pie's groups are its colours
  local group = enc.x and enc.x ~= measure and not (enc.x.bin) and enc.x or nil
  local series = enc.color
  if from == "pie" or from == "donut" then group, series = enc.color, nil end
  if kind == "pie" or kind == "donut" then
    -- a pie of a time series splits the whole by its series, else by its groups
    local parts = (group and group.type == "temporal" and series) or group or series
    if not parts then return nil, "a pie chart needs a column of categories" end
    ne.color = retitled(parts)
    ne.theta = measure and retitled(measure) or { aggregate = "count", type = "quantitative" }
  elseif kind == "histogram" then
    local field = measure and measure.field or (enc.x and enc.x.type == "quantitative" and enc.x.field)
    if not field then return nil, "a histogram needs a numeric column" end
    ne.x = { field = field, type = "quantitative", bin = true }
    ne.y = { aggregate = "count", type = "quantitative", title = "Count" }
  elseif kind == "scatter" then
    local ycol = measure and measure.field
    local xcol = enc.x and enc.x.type == "quantitative" and enc.x.field ~= ycol and enc.x.field or nil
    for _, n in ipairs(quantitative_columns(df)) do
      if not ycol then ycol = n elseif not xcol and n ~= ycol then xcol = n end
    end
    if not (xcol and ycol) then return nil, "a scatter plot needs two numeric columns" end
    ne.x = { field = xcol, type = "quantitative" }
    ne.y = { field = ycol, type = "quantitative" }
    local g = series or (group and group.type ~= "quantitative" and group)
    if g and g.type ~= "temporal" then ne.color = retitled(g) end
  elseif kind == "heatmap" then
    if not (group and series and measure) then
      return nil, "a heatmap needs two columns of categories and a measure"
    end
    ne.x, ne.y, ne.color = retitled(group), retitled(series), retitled(measure)
  elseif kind == "box" then
    local g = group or series
    if not (g and measure and measure.field) then return nil, "a box plot needs groups and a numeric column" end
    ne.x, ne.y = retitled(g), retitled(measure)
    ne.y.aggregate = nil
  else -- bar, line, area
    if not group then return nil, ("a %s chart needs a column for its x axis"):format(kind) end
    ne.x = group.bin and copy(group) or retitled(group)
    ne.y = measure and retitled(measure) or { aggregate = "count", type = "quantitative", title = "Count" }
    if from == "box" and ne.y.field and not ne.y.aggregate then ne.y.aggregate = "mean" end
    if series and series ~= group then ne.color = copy(series) end
  end
  spec.encoding, spec.type = ne, kind
  -- options another chart type does not have would be refused by the validator
  local chart = charts.get(kind)
  local decl = chart and chart.options or {}
  if spec.options then
    local kept = {}
    for k, v in pairs(spec.options) do if decl[k] then kept[k] = v end end
    spec.options = next(kept) and kept or nil
  end
  return true
end

-- Rules ---------------------------------------------------------------------------
-- Each rule gets (tokens, spec, state) and marks the token indexes it explains in
-- state.used; it returns an edit name when it changed spec, or nil, message to refuse.

local function mark(state, ...)
  for _, i in ipairs { ... } do state.used[i] = true end
end

local function w(tokens, i) return tokens[i] and tokens[i].w end

local function rule_type(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local kind = t.w and (CHART_KIND[t.w] or lex.chart[t.w])
    -- "column" and "point(s)" are chart words only next to a chart noun
    if kind and (t.w == "column" or t.w == "columns" or t.w:match("^points?$")) and not FILLER[w(tokens, i + 1)] then
      kind = nil
    end
    if kind and t.w == "box" then mark(state, i + 1) end -- "box plot"
    if kind then
      mark(state, i)
      if w(tokens, i + 1) == "and" and w(tokens, i + 2) == "whisker" then mark(state, i + 1, i + 2) end
      local ok, err = convert(spec, kind, state.df)
      if not ok then return nil, err end
      return "type"
    end
  end
end

local function rule_orientation(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local horiz = (t.w == "horizontal" or t.w == "horizontally" or t.w == "sideways") and true
      or (t.w == "vertical" or t.w == "vertically" or t.w == "upright") and false or nil
    if horiz ~= nil then
      mark(state, i)
      if w(tokens, i + 1) == "bars" or w(tokens, i + 1) == "bar" then mark(state, i + 1) end
      if spec.type ~= "bar" and spec.type ~= "box" then
        local ok, err = convert(spec, "bar", state.df)
        if not ok then return nil, err end
      end
      spec.options = spec.options or {}
      spec.options.horizontal = horiz or nil
      if not next(spec.options) then spec.options = nil end
      return "orientation"
    end
  end
end

local function rule_stack(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local on
    if t.w == "stack" or t.w == "stacked" or t.w == "stacking" then
      on = w(tokens, i - 1) ~= "not" and w(tokens, i - 1) ~= "don't" and w(tokens, i - 1) ~= "no"
      if not on then mark(state, i - 1) end
    elseif t.w == "unstack" or t.w == "unstacked" or t.w == "grouped" or t.w == "dodged" then on = false
    elseif t.w == "side" and w(tokens, i + 1) == "by" and w(tokens, i + 2) == "side" then
      on = false
      mark(state, i + 1, i + 2)
    end
    if on ~= nil then
      mark(state, i)
      if w(tokens, i + 1) == "them" or w(tokens, i + 1) == "bars" then mark(state, i + 1) end
      if not (spec.encoding and spec.encoding.color) then
        return nil, "there is only one series to stack; split the chart by a column first"
      end
      if spec.type ~= "bar" and spec.type ~= "area" then
        local ok, err = convert(spec, "bar", state.df)
        if not ok then return nil, err end
      end
      spec.options = spec.options or {}
      spec.options.stacked = on or nil
      if not next(spec.options) then spec.options = nil end
      return "stack"
    end
  end
end

local function rule_theme(tokens, spec, state)
  local known = theme_names()
  for i, t in ipairs(tokens) do
    local name = t.w and (known[t.w] or THEME_WORDS[t.w])
    if name then
      local cue = false
      for _, k in ipairs { i - 1, i + 1 } do
        local c = w(tokens, k)
        if c == "theme" or c == "mode" or c == "background" or c == "colors" or c == "colours" then
          cue = true
          mark(state, k)
        end
      end
      -- a bare theme name counts too ("dark please"), but "light" / "dark" as data words need a cue
      if cue or known[t.w] and #tokens <= 4 then
        mark(state, i)
        spec.theme = name
        return "theme"
      end
    end
  end
end

local function sort_channel(spec)
  local enc = spec.encoding or {}
  if spec.type == "pie" or spec.type == "donut" then return enc.color end
  return enc.x
end

local function rule_sort(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local order = t.w and SORT_WORDS[t.w]
    if not order and (t.w == "sort" or t.w == "sorted" or t.w == "order" or t.w == "rank" or t.w == "ranked") then
      order = "-y"
    end
    -- "largest first", "smallest first", "highest to lowest"
    if not order and t.w and lex.superlative[t.w] and (w(tokens, i + 1) == "first" or w(tokens, i + 1) == "to") then
      order = (t.w == "lowest" or t.w == "smallest") and "y" or "-y"
      mark(state, i + 1)
      if w(tokens, i + 1) == "to" then mark(state, i + 2) end
    end
    if order then
      mark(state, i)
      for k = i + 1, math.min(#tokens, i + 3) do
        local c = w(tokens, k)
        if c and (SORT_WORDS[c] or c == "by" or c == "value" or c == "values" or c == "size" or c == "order") then
          mark(state, k)
          if SORT_WORDS[c] then order = SORT_WORDS[c] end
        end
      end
      local ch = sort_channel(spec)
      if not ch then return nil, "this chart has no axis of categories to sort" end
      ch.sort = order
      return "sort"
    end
  end
end

-- 'add a title "Q4 results"', 'title it Q4 results', 'call it ...', 'subtitle: ...': the text
-- after the cue (inside quotes when quoted) becomes the title.
local TITLE_CUES = { { "%f[%a]sub%-?title[ds]?%f[%A]", "subtitle" }, { "%f[%a]title[ds]?%f[%A]", "title" },
  { "%f[%a]call it%f[%A]", "title" }, { "%f[%a]name it%f[%A]", "title" } }

local function rule_title(tokens, spec, state, prompt)
  local lower = prompt:lower()
  local which, e
  for _, cue in ipairs(TITLE_CUES) do
    local s0, e0 = lower:find(cue[1])
    if s0 then which, e = cue[2], e0; break end
  end
  if not which then return nil end
  local rest = prompt:sub(e + 1)
  local text = rest:match("[\"“'‘]([^\"”’]+)[\"”'’]")
  if not text then
    text = rest:gsub("^%s*[:=]?%s*", "")
    for _, lead in ipairs { "it", "to", "as", "saying", "of", "that", "reading", "which", "says" } do
      text = text:gsub("^" .. lead .. "%s+", ""):gsub("^" .. lead:gsub("^%l", string.upper) .. "%s+", "")
    end
    text = text:gsub("[%.!]+%s*$", ""):gsub("^%s+", ""):gsub("%s+$", "")
  end
  if text == "" then return nil end
  -- the cue and the words of the title text after it are accounted for, and hidden from
  -- the other rules ("titled Line items" asks for no line chart)
  local cue_end = #offline.tokenize(prompt:sub(1, e))
  for i, t in ipairs(tokens) do
    if t.w and ((i > cue_end and text:lower():find(t.w, 1, true)) or (i <= cue_end and (t.w:match("title")
        or t.w == "add" or t.w == "call" or t.w == "name" or t.w == "rename" or t.w == "it"))) then
      mark(state, i)
      if i > cue_end then tokens[i] = { p = "title" } end
    end
  end
  spec[which] = text
  return which
end

local function rule_aggregate(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local agg = t.w and lex.aggregate[t.w]
    if t.w == "count" or (t.w == "number" and w(tokens, i + 1) == "of") then agg = "count" end
    -- superlatives sort ("largest first"); only "max"/"min" words aggregate here
    if agg and lex.superlative[t.w] and t.w ~= "highest" and t.w ~= "lowest" then agg = nil end
    if agg and (t.w == "highest" or t.w == "lowest") and w(tokens, i + 1) ~= "value" then agg = nil end
    if agg then
      local ch = measure_channel(spec.encoding or {})
      if not ch or spec.type == "histogram" or spec.type == "scatter" or spec.type == "box" then
        return nil, ("a %s chart shows every value; there is nothing to %s"):format(spec.type, t.w)
      end
      mark(state, i)
      if t.w == "number" then mark(state, i + 1) end
      local c = spec.encoding[ch]
      if agg == "count" then
        spec.encoding[ch] = { aggregate = "count", type = "quantitative", title = "Count" }
      else
        if not c.field then return nil, "the chart counts rows; name a column to " .. t.w end
        c.aggregate, c.title = agg, nil
      end
      return "aggregate"
    end
  end
end

local function rule_format(tokens, spec, state)
  for i, t in ipairs(tokens) do
    if t.w == "svg" or t.w == "pdf" or t.w == "png" then
      mark(state, i)
      spec.format = t.w
      return "format"
    end
  end
end

local function rule_size(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local wd, ht = (t.w or ""):match("^(%d+)x(%d+)$")
    if wd then
      mark(state, i)
      spec.width, spec.height = math.tointeger(tonumber(wd)), math.tointeger(tonumber(ht))
      return "size"
    end
  end
end

local function rule_log(tokens, spec, state)
  for i, t in ipairs(tokens) do
    local on = (t.w == "log" or t.w == "logarithmic") and true or (t.w == "linear") and false or nil
    if on ~= nil and (w(tokens, i + 1) == "scale" or w(tokens, i + 1) == "axis" or t.w == "logarithmic") then
      mark(state, i, i + 1)
      local ch = spec.encoding and spec.encoding.y
      if not ch or ch.type ~= "quantitative" then return nil, "this chart has no numeric y axis" end
      ch.scale = ch.scale or {}
      ch.scale.type = on and "log" or "linear"
      return "scale"
    end
  end
end

-- Rows --------------------------------------------------------------------------

local function years_of(tokens, state)
  local years, idx = {}, {}
  for i, t in ipairs(tokens) do
    local n = t.w and t.w:match("^%d%d%d%d$") and tonumber(t.w)
    if n and n >= 1900 and n <= 2100 then
      years[#years + 1] = n
      idx[#idx + 1] = i
    end
  end
  if #years == 0 then return nil end
  for _, i in ipairs(idx) do mark(state, i) end
  local set = {}
  -- "2022 to 2024", "2022-2024", "between 2022 and 2024" are ranges; "2022 and 2024" with "only" a list
  local range = #years == 2 and (w(tokens, idx[1] + 1) == "to" or w(tokens, idx[1] + 1) == "through"
    or w(tokens, idx[1] + 1) == "until" or w(tokens, idx[1] - 1) == "between" or idx[2] == idx[1] + 1)
  if range then
    for y = math.min(years[1], years[2]), math.max(years[1], years[2]) do set[y] = true end
  else
    for _, y in ipairs(years) do set[y] = true end
  end
  return set
end

local function keep_rows(spec, df, keep)
  local records = frame.to_records(df)
  local out = {}
  for i = 1, df.nrows do
    if keep(i) then out[#out + 1] = records[i] end
  end
  if #out == 0 then return nil end
  spec.data = { values = require("util.json").array(out) }
  return #out
end

local NEGATE = { without = true, exclude = true, excluding = true, except = true, remove = true, drop = true,
  hide = true, ["not"] = true, no = true, minus = true }

-- "only 2024", "just 2023 and 2024", "only EMEA", "without APAC", "exclude Europe".
local function rule_filter(tokens, spec, state)
  local df = state.df
  if not df then return nil end
  local years = years_of(tokens, state)
  if years then
    local tfield
    for _, n in ipairs(df.names) do if df.types[n] == "temporal" then tfield = n; break end end
    if not tfield then return nil, "the chart has no dates to keep " .. next(years) .. " of" end
    local col = df.columns[tfield]
    local kept = keep_rows(spec, df, function(i)
      if col[i] == nil then return false end
      local y = frame.civil_from_days(math.floor(col[i] / 86400))
      return years[y] == true
    end)
    if not kept then return nil, "no rows fall in the years named" end
    state.df = data_of(spec)
    return "filter"
  end
  -- values of nominal columns named in the prompt (one to three words each)
  local named, negate = {}, false
  for _, n in ipairs(df.names) do
    if df.types[n] == "nominal" or df.types[n] == "ordinal" then
      local values = {}
      for _, v in ipairs(frame.distinct(df, n)) do values[tostring(v):lower()] = v end
      for i = 1, #tokens do
        for len = 3, 1, -1 do
          local words = {}
          for k = i, i + len - 1 do words[#words + 1] = w(tokens, k) or "\0" end
          local v = values[table.concat(words, " ")]
          if v ~= nil and not state.used[i] then
            named[n] = named[n] or {}
            named[n][v] = true
            for k = i, i + len - 1 do mark(state, k) end
            if NEGATE[w(tokens, i - 1) or ""] or NEGATE[w(tokens, i - 2) or ""] then
              negate = true
              mark(state, i - 1)
            end
            break
          end
        end
      end
    end
  end
  local field, set = next(named)
  if not field then return nil end
  local col = df.columns[field]
  local kept = keep_rows(spec, df, function(i)
    local hit = set[col[i]] == true
    if negate then return not hit end
    return hit
  end)
  if not kept then return nil, "no rows are left after that filter" end
  state.df = data_of(spec)
  return "filter"
end

-- "colour by region", "split by origin": a column of the data becomes the series.
local function rule_color(tokens, spec, state)
  local df = state.df
  if not df or spec.type == "pie" or spec.type == "donut" or spec.type == "histogram" then return nil end
  for i, t in ipairs(tokens) do
    if (t.w == "by" or t.w == "per") and i > 1 then
      local cue = w(tokens, i - 1)
      if cue == "color" or cue == "colour" or cue == "colored" or cue == "coloured" or cue == "split"
          or cue == "break" or cue == "group" or cue == "grouped" or cue == "series" then
        local name = w(tokens, i + 1)
        for _, n in ipairs(df.names) do
          if name and (n:lower() == name or lex.stem(n:lower()) == lex.stem(name)) then
            mark(state, i - 1, i, i + 1)
            if w(tokens, i - 2) == "down" or w(tokens, i - 2) == "it" then mark(state, i - 2) end
            spec.encoding.color = { field = n, type = df.types[n] == "quantitative" and "quantitative" or "nominal" }
            return "color"
          end
        end
      end
    end
  end
end

local RULES = { rule_title, rule_type, rule_orientation, rule_stack, rule_theme, rule_sort, rule_aggregate,
  rule_format, rule_size, rule_log, rule_color, rule_filter }

-- Content words the rules did not explain: stop words, fillers and the data's column names
-- ("show average revenue instead") do not count.
local function leftovers(tokens, state)
  local names = {}
  if state.df then
    for _, n in ipairs(state.df.names) do
      for part in n:lower():gmatch("[%w]+") do names[part] = true end
    end
  end
  local out = {}
  for i, t in ipairs(tokens) do
    if t.w and not state.used[i] and not lex.stop[t.w] and not FILLER[t.w] and not names[t.w]
        and not names[lex.stem(t.w)] then
      out[#out + 1] = t.w
    end
  end
  return out
end

-- How many unexplained content words an edit may carry: none, because a word the rules do
-- not explain ("histogram of prices") usually names something new — a fresh request.
M.MAX_LEFTOVER = 0

-- edit(prompt, base) → spec, edits (names of the changes) when the prompt reads as an edit
-- of base; nil, nil when it reads as a new request; nil, message when it is an edit that
-- cannot be applied (the message says why, for the client).
function M.edit(prompt, base)
  if type(prompt) ~= "string" or type(base) ~= "table" or type(base.encoding) ~= "table" then return nil end
  local tokens = offline.tokenize(prompt)
  local spec = copy(base)
  local state = { used = {}, df = data_of(spec) }
  local edits = {}
  local refusal
  for _, rule in ipairs(RULES) do
    local name, err = rule(tokens, spec, state, prompt)
    if name then edits[#edits + 1] = name end
    if err and not refusal then refusal = err end
  end
  local rest = leftovers(tokens, state)
  if #edits == 0 and not refusal then return nil end
  if #rest > M.MAX_LEFTOVER then return nil end
  if refusal then return nil, refusal end
  return spec, edits
end

return M
