-- Follow-up rules about the kind of chart: its type ("Bar chart.", "as a line", "make it a
-- pie"), orientation, swapped axes, stacked or grouped series, percentages, a trend line and
-- value labels.
local channels = require "planner.edits.channels"
local lex = require "planner.lexicon"
local vocab = require "planner.edits.vocab"

local M = {}

local CHART_NOUNS = { chart = true, charts = true, graph = true, plot = true, plots = true, diagram = true,
  version = true }
local KIND = { donut = "donut", doughnut = "donut", area = "area", step = "step", boxes = "box",
  ["box-plot"] = "box" }
-- Words that are chart words only beside a chart noun or a conversion cue ("line", "area", "points").
local AMBIGUOUS = { line = true, lines = true, area = true, column = true, columns = true, point = true,
  points = true, dots = true, box = true, boxes = true, bubble = true }
local CUES = { as = true, to = true, a = true, an = true, into = true, ["in"] = true, make = true, use = true,
  try = true,
  switch = true, show = true, back = true, instead = true }
-- Words of preference around a chart word make it a chart type: "no, lines were better", "area
-- would be nicer", "I'd rather have bars".
local PREFER_AFTER = { better = true, nicer = true, clearer = true, instead = true, please = true, pls = true,
  plz = true, preferred = true }
local PREFER_BEFORE = { prefer = true, rather = true, want = true, like = true, liked = true, preferred = true }
local function preferred(ctx, i)
  for k = i + 1, i + 3 do if PREFER_AFTER[ctx:w(k) or ""] then return true end end
  for k = i - 1, i - 3, -1 do if PREFER_BEFORE[ctx:w(k) or ""] then return true end end
  return false
end
-- The words for a chart's own marks.
local BARS = { bars = true, bar = true, columns = true }
local MARKS = { bar = BARS, histogram = BARS, lollipop = BARS, waterfall = BARS,
  line = { line = true, lines = true }, step = { line = true, lines = true },
  scatter = { dots = true, dot = true, points = true, point = true, circles = true, bubbles = true },
  bubble = { dots = true, points = true, bubbles = true }, box = { boxes = true, box = true },
  pie = { slices = true, slice = true, wedges = true }, donut = { slices = true, slice = true },
  area = { area = true, areas = true } }

local function set_option(spec, key, value)
  spec.options = spec.options or {}
  spec.options[key] = value
  if next(spec.options) == nil then spec.options = nil end
end

-- "Bar chart.", "as a line", "line", "make it a pie", "boxes": the chart type.
-- Whether a chart draws a column as its measure (not a count of rows).
local function measured(enc)
  local ch = channels.measure(enc)
  return ch and enc[ch].field ~= nil
end

-- Columns the request names without a cue, as hints for the new type: "a box plot per species",
-- "scatter of X vs Y".
local UNIT_OF = vocab.set [[of the years yrs months days hours number numbers level levels amount amounts]]
local function hints(ctx, kind)
  local out = { groups = {}, measures = {}, mentions = {} }
  for _, m in ipairs(ctx:free_mentions()) do
    -- (a column naming each row only as the groups asked for: "a bar per state")
    -- (the group word may stand a unit before the name: "by years of education")
    local grouped = false
    for k = m.i - 1, math.max(1, m.i - 3), -1 do
      local w = ctx:w(k)
      if w == "per" or w == "by" or w == "each" or w == "every" then grouped = true; break end
      if not UNIT_OF[w or ""] then break end
    end
    if m.score >= 0.5 and (m.col.role ~= "id" or grouped) then
      local t = ctx.df.types[m.col.name]
      -- ("as bars by year", "as a line by years of education": a numeric column named after
      -- "by" is the groups, except of the charts that plot numbers against numbers)
      local numbers_against_numbers = kind == "scatter" or kind == "histogram"
      if t == "quantitative" and not m.col.discrete and not (grouped and not numbers_against_numbers) then
        out.measures[#out.measures + 1] = m.col.name
      else
        out.groups[#out.groups + 1] = m.col.name
      end
      out.mentions[m.col.name] = m
    end
  end
  -- "emissions over time as a line": the data's time column is the groups asked for
  if #out.groups == 0 and ctx.prof and ctx.prof.time then
    for i, t in ipairs(ctx.tokens) do
      if t.w == "time" and (ctx:w(i - 1) == "over" or ctx:w(i - 1) == "across" or ctx:w(i - 1) == "through") then
        out.groups[1] = ctx.prof.time.name
        ctx:mark(i - 1, i)
      end
    end
  end
  return out
end

-- Words after a chart word that style its marks rather than name a type.
local MARK_STYLE = vocab.set [[thicker thinner bolder heavier lighter thick thin width widths wider narrower
  dashed dotted solid colour color colours colors markers marker dots points symbols opacity stroke
  smaller bigger larger tiny small big huge size]]

-- Words that take markers away ("hide points", "no dots", "remove the dots" reach the marker
-- rule: "the" before a chart word already does)
local MARKER_SWITCH = vocab.set [[hide remove no without drop delete lose]]

local JOIN = vocab.set [[connect connected connecting join joined joining]]
local DOTS = vocab.set [[points dots markers dot point them]]
function M.type(ctx)
  local n = #ctx.tokens
  for i, t in ipairs(ctx.tokens) do
    -- "line's better": the chart word without its 's
    local w = t.w and t.w:gsub("'s$", "")
    local kind = w and ctx:free(i) and (KIND[w] or lex.chart[w])
    -- "connect the points", "join the dots": the points drawn as a line
    local joined = not kind and w and JOIN[w] and ctx:free(i) and ctx:find(DOTS, i + 1, 3)
    if joined then kind = "line" end
    -- ("heat map" in two words)
    if not kind and w == "heat" and (ctx:w(i + 1) == "map" or ctx:w(i + 1) == "maps") and ctx:free(i) then
      kind, joined = "heatmap", i + 1
    end
    -- "the bars", "these dots", "bigger dots", "dark green bars": the marks drawn, not a new type
    local prev = ctx:w(i - 1)
    -- "colour by area", "split by line": a column of that name after a group word
    if kind and (prev == "by" or prev == "per") and ctx:mention_at(i) then kind = nil end
    -- "bars not lines", "lines instead of bars": the type after the negation is the one left
    local nxt = ctx:w(i + 1) or ""
    local later_type = false
    for k = i + 1, #ctx.tokens do
      local lw = ctx:w(k) and ctx:w(k):gsub("'s$", "")
      if lw and (KIND[lw] or lex.chart[lw]) then later_type = true end
    end
    if kind and (prev == "not" or prev == "of" and ctx:w(i - 2) == "instead" or prev == "than"
        and (ctx:w(i - 2) == "rather" or ctx:w(i - 2) == "more") or prev == "no" and later_type) then
      ctx:mark(i, i - 1)
      kind = nil
    end
    local contrasted = nxt == "not" or nxt == "instead" or nxt == "rather" or preferred(ctx, i)
    if kind and MARKS[ctx.spec.type] and MARKS[ctx.spec.type][t.w] and not CUES[prev or ""]
        and not CHART_NOUNS[nxt] and not contrasted and n > 2 then
      kind = nil -- "bars in dark green" on a histogram: its own bars
    end
    -- "line thicker", "line width 3", "bars red": the marks drawn, styled
    if kind and (MARK_STYLE[nxt] or MARK_STYLE[prev or ""] or require("layout.color").named(nxt) and not CUES[prev or ""]) then
      kind = nil
    end
    -- "fit a line", "line of best fit": a trend line (chart.trend reads it)
    if kind and t.w == "line" and (prev == "fit" or ctx:w(i - 2) == "fit" or nxt == "of" and ctx:w(i + 2) == "best") then
      kind = nil
    end
    -- "one step back", "go back a step": a step of the conversation, not a step chart
    if kind and t.w == "step" and (prev == "one" or prev == "a" or nxt == "back") and not CHART_NOUNS[nxt] then kind = nil end
    -- "regions as columns, sub-categories as rows": a heatmap's grid, read by fields.axes
    if kind and (t.w == "columns" or t.w == "column") and ctx.spec.type == "heatmap" then kind = nil end
    if kind and (prev == "the" or prev == "these" or prev == "those" or prev == "its" or prev == "each"
        or (prev and vocab.styling[prev] and not CUES[prev]) or (prev and require("layout.color").named(prev))) then
      kind = nil
    end
    if kind and AMBIGUOUS[t.w] then
      -- "line", "as a line", "lines please", "wait no, line" (a correction before it)
      local alone = n <= 3 or i == n and ctx.tokens[i - 1] and ctx.tokens[i - 1].p == "," and ctx:w(i - 2) == "no"
      if not (CHART_NOUNS[nxt] or CUES[prev] or alone or (prev == "with" and ctx:w(i - 2) == "it")
          or contrasted) then
        kind = nil
      end
      -- "points" after a data word is a measure ("points scored"), "add points" and "hide the
      -- dots" are the markers (style.markers)
      -- ("no lines were better" names the type: only marks that can be switched off are markers)
      local marker_word = not t.w:match("^line")
      -- "make points on the line", "dots along the lines": marks placed on the line are its markers
      local on_line = marker_word and (nxt == "on" or nxt == "along") and ctx:find({ line = true, lines = true },
        i + 2, 2)
      if kind and (prev == "add" or prev == "with" or MARKER_SWITCH[prev or ""] and marker_word
          or prev == "show" and t.w:match("^point") or on_line) then
        kind = nil
      end
    end
    if kind then
      ctx:mark(i)
      for k = i + 1, joined or 0 do ctx:mark(k) end
      if CHART_NOUNS[ctx:w(i + 1)] then ctx:mark(i + 1) end
      if t.w == "box" and (ctx:w(i + 1) == "and" or ctx:w(i + 1) == "plot") then ctx:mark(i + 1, i + 2) end
      if kind == ctx.spec.type then
        ctx:edit("type")
        -- "columns" are bars standing up
        if kind == "bar" and (t.w == "column" or t.w == "columns") and ctx.spec.options and ctx.spec.options.horizontal then
          set_option(ctx.spec, "horizontal", nil)
          return
        end
        ctx:note(("it is a %s chart already"):format(kind))
        return
      end
      ctx.named_type = kind
      local h = hints(ctx, kind)
      local ok, why, used = channels.convert(ctx.spec, kind, ctx.df, h)
      for _, name in ipairs(used or {}) do if h.mentions[name] then ctx:take(h.mentions[name]) end end
      if not ok and ctx.prof then
        -- the chart lacks what the type needs (a box plot of a histogram has no groups): the
        -- data's most telling column fills in, and the reply says which
        local best = require("planner.vague").best(ctx.prof)
        local enc = ctx.spec.encoding
        local grouped = enc.x and enc.x.field and not enc.x.bin and enc.x.type ~= "quantitative"
        local fill = { groups = { h.groups[1] or (grouped and enc.x.field) or best.group },
          measures = { h.measures[1] or not (measured(enc) or enc.x and enc.x.bin) and best.measure or nil } }
        ok, why = channels.convert(ctx.spec, kind, ctx.df, fill)
        if ok then
          local added = {}
          for _, name in ipairs { fill.groups[1], fill.measures[1] } do
            local drawn = false
            for _, ch in pairs(enc) do if type(ch) == "table" and ch.field == name then drawn = true end end
            if not drawn then added[#added + 1] = name end
          end
          ctx:note(("a %s chart needs more than the chart had, so chartd added %s; name the columns you want")
            :format(kind, table.concat(added, " and ")))
        end
      end
      if ok then ctx:edit("type") else ctx.type_refused = why end
      return
    end
  end
end

-- "labels horizontal", "tick labels vertical": the labels' angle (style.label_angle)
local LABEL_WORDS = vocab.set [[labels label ticks text names]]

-- "horizontal", "vertical bars", "sideways".
function M.orientation(ctx)
  for i, t in ipairs(ctx.tokens) do
    -- (not `… and false or nil`: that is always nil, and "vertical" was never read)
    local horiz
    if t.w == "horizontal" or t.w == "horizontally" or t.w == "sideways" then horiz = true
    elseif t.w == "vertical" or t.w == "vertically" or t.w == "upright" then horiz = false end
    -- "horizontal gridlines", "vertical labels" are styling, read elsewhere
    local nxt = ctx:w(i + 1)
    local prev = ctx:w(i - 1) or ""
    if horiz ~= nil and ctx:free(i) and not (nxt and nxt:match("^grid")) and not (nxt and nxt:match("^label"))
        and not (nxt == "lines" or nxt == "line") and not LABEL_WORDS[prev] then
      ctx:mark(i)
      if nxt == "bars" or nxt == "bar" or nxt == "boxes" or CHART_NOUNS[nxt] then ctx:mark(i + 1) end
      local spec = ctx.spec
      local turns = spec.type == "bar" or spec.type == "box" or spec.type == "lollipop" or spec.type == "dumbbell"
      if not horiz and not turns then
        ctx:note(("a %s chart is drawn upright already"):format(spec.type or "chart"))
        return
      end
      if not turns then
        local ok, why = channels.convert(spec, "bar", ctx.df)
        if not ok then ctx:refuse(why); return end
      end
      set_option(spec, "horizontal", horiz or nil)
      ctx:edit("orientation")
      return
    end
  end
end

-- "swap axes", "flip x and y", "switch the axes", "transpose": exchanges the two axes (a
-- heatmap's rows and columns, a scatter's x and y; bars and boxes turn on their side).
local SWAP = { swap = true, swapped = true, flip = true, flipped = true, switch = true, switched = true,
  transpose = true,
  exchange = true, invert = true, reverse = true, interchange = true }
local AXIS_WORDS = { axes = true, axis = true, x = true, y = true, rows = true, columns = true, sides = true,
  them = true, around = true }
-- "reverse the y axis", "invert x-axis": one axis run the other way (not the two exchanged, not
-- a column to put on it), which chartd does not draw: said in a note.
local TURN_OVER = { reverse = true, reversed = true, invert = true, inverted = true, flip = true, flipped = true }
function M.reversed_axis(ctx)
  for i, t in ipairs(ctx.tokens) do
    local k = ctx:w(i + 1) == "the" and i + 2 or i + 1
    local one = (ctx:w(k) == "x" or ctx:w(k) == "y") and ctx:w(k + 1) == "axis" and ctx:w(k + 2) ~= "and"
    if t.w and TURN_OVER[t.w] and ctx:free(i) and one then
      for j = i, k + 1 do ctx:mark(j) end
      ctx:note(("an axis drawn the other way round is not something chartd has; the %s axis is unchanged")
        :format(ctx:w(k)))
      return
    end
  end
end

function M.swap(ctx)
  for i, t in ipairs(ctx.tokens) do
    if t.w and SWAP[t.w] and ctx:free(i) then
      local k = ctx:find(AXIS_WORDS, i + 1, 5)
        or (ctx:w(i - 1) == "axes" or ctx:w(i - 1) == "axis") and ctx:free(i - 1) and i - 1
      local bare = #ctx.tokens <= 3 and (t.w == "flip" or t.w == "transpose" or t.w == "swap")
      if k or bare then
        ctx:mark(i)
        for j = i + 1, (k or i) + 2 do
          local w = ctx:w(j)
          if w and (AXIS_WORDS[w] or w == "and" or w == "the" or w == "x" or w == "y") then ctx:mark(j) end
        end
        local spec, enc = ctx.spec, ctx.spec.encoding
        if (spec.type == "bar" or spec.type == "box") and enc.y and enc.x and enc.x.type == "quantitative"
            and enc.y.type ~= "quantitative" then
          -- bars laid on their side by their encodings (Vega-Lite's way): stand them up
          enc.x, enc.y = enc.y, enc.x
          enc.x.title, enc.y.title = nil, nil
          if spec.options then spec.options.horizontal = nil end
        elseif spec.type == "bar" or spec.type == "box" or spec.type == "lollipop" then
          local on = not (spec.options and spec.options.horizontal)
          set_option(spec, "horizontal", on or nil)
        elseif enc.x and enc.y and not (spec.type == "histogram") then
          enc.x, enc.y = enc.y, enc.x
          enc.x.title, enc.y.title = nil, nil
        else
          ctx:refuse("this chart has no two axes to swap")
          return
        end
        ctx:edit("swap")
        return
      end
    end
  end
end

local COPULA = vocab.set [[is are looks look seems seem feels gets was]]
local COMPLAINT = vocab.set [[confusing bad ugly messy cluttered hard unclear awful terrible not difficult
  weird odd strange busy]]
-- "stacked", "stack them", "grouped", "side by side", "unstack": how series share an x.
function M.stacking(ctx)
  for i, t in ipairs(ctx.tokens) do
    local on
    if not ctx:free(i) then
      on = nil
    elseif t.w == "stack" or t.w == "stacked" or t.w == "stacking" then
      local prev = ctx:w(i - 1)
      on = prev ~= "not" and prev ~= "don't" and prev ~= "dont" and prev ~= "no" and prev ~= "un"
      if not on then ctx:mark(i - 1) end
      -- "stacked is confusing", "the stacking looks messy": a complaint asks for the other way
      if on and COPULA[ctx:w(i + 1) or ""] then
        local bad = ctx:find(COMPLAINT, i + 2, 3)
        if bad then on = false; for k = i + 1, bad do ctx:mark(k) end end
      end
    elseif t.w == "unstack" or t.w == "unstacked" or t.w == "dodged" or t.w == "clustered" or t.w == "dodge"
        or t.w == "cluster" then
      on = false
    elseif (t.w == "grouped" or t.w == "group") and (ctx:w(i + 1) == nil or ctx:w(i + 1) == "not"
        or ctx:w(i + 1) == "bars" or ctx:w(i + 1) == "instead" or ctx:w(i - 1) == "be" or ctx:w(i + 1) == "them"
        or t.w == "grouped" and ctx:w(i + 1) == "bar"
        -- "grouped please", "group them please": the word and a courtesy
        or (ctx:w(i + 1) == "please" or ctx:w(i + 1) == "pls" or ctx:w(i + 1) == "plz") and ctx:w(i + 2) == nil
        or ctx:w(i + 1) == "the" and ctx:w(i + 2) == "bars") then
      -- "group the bars", "group them": side by side
      if ctx:w(i + 1) == "the" then ctx:mark(i + 1, i + 2) end
      on = false
    elseif t.w == "side" and ctx:w(i + 1) == "by" and ctx:w(i + 2) == "side" then
      on = false
      ctx:mark(i + 1, i + 2)
    elseif (t.w == "next" and ctx:w(i + 1) == "to" or t.w == "beside") and ctx:w(i + 2 - (t.w == "beside" and 1 or 0)) == "each"
        and ctx:w(i + 3 - (t.w == "beside" and 1 or 0)) == "other" then
      -- "put the bars next to each other", "beside each other": grouped
      on = false
      local last = i + 3 - (t.w == "beside" and 1 or 0)
      ctx:mark(i + 1, last - 1, last)
      for k = i - 3, i - 1 do
        local w = ctx:w(k)
        if w == "put" or w == "the" or w == "bars" or w == "them" or w == "place" then ctx:mark(k) end
      end
    end
    if on ~= nil then
      ctx:mark(i)
      local nxt = ctx:w(i + 1)
      if nxt == "them" or nxt == "bars" or nxt == "it" or nxt == "areas" then ctx:mark(i + 1) end
      -- "grouped not stacked": the first word decides, the negated rest is explained
      if nxt == "not" then ctx:mark(i + 1, i + 2) end
      ctx.stack_wanted = on
      return
    end
  end
end

-- Applied after the fields are settled ("stack by segment" brings its own series).
-- A column a filter keeps two or more values of ("include fog too, stacked"): the series to split by
-- (not one the chart already has on an axis: its values are the bars themselves).
function M.filtered_series(spec)
  local enc = spec.encoding or {}
  for _, step in ipairs(spec.transform or {}) do
    local f = step.filter
    if type(f) == "table" and f.field and type(f.oneOf) == "table" and #f.oneOf >= 2
        and not (enc.x and enc.x.field == f.field or enc.y and enc.y.field == f.field) then
      return f.field
    end
  end
  return nil
end

function M.apply_stacking(ctx)
  local on = ctx.stack_wanted
  if on == nil then return end
  local spec = ctx.spec
  if not (spec.encoding and spec.encoding.color) and on then
    local field = M.filtered_series(spec)
    -- "stack them" on one series: the data's one column of categories the chart does not use
    if not field and ctx.prof then
      local used = {}
      for _, ch in pairs(spec.encoding or {}) do if type(ch) == "table" and ch.field then used[ch.field] = true end end
      local found = require("planner.profile").only_category(ctx.prof, used)
      if found then
        field = found.name
        ctx:note("stacked by " .. field .. ", the data's column of categories")
      end
    end
    if field then spec.encoding.color = channels.of(ctx.df, field) end
  end
  if not (spec.encoding and spec.encoding.color) then
    if on then ctx:refuse("there is only one series to stack; split the chart by a column first (\"stack by region\")") end
    return
  end
  if spec.type == "histogram" then
    ctx:edit("stack") -- a histogram's series are stacked in its bins
    return
  end
  if spec.type ~= "bar" and spec.type ~= "area" then
    -- series over x stacked: lines stack as areas (bands on one another); grouped, or the rest, as bars
    -- (counts per period stack as bars: tallies, not a quantity flowing over time)
    local y = spec.encoding.y
    local tallies = y and y.aggregate == "count"
    local into = on and (spec.type == "line" or spec.type == "step") and not tallies and "area" or "bar"
    local ok, why = channels.convert(spec, into, ctx.df)
    if not ok then ctx:refuse(why); return end
  end
  -- a stack adds its parts up: stacked averages would reach a height that is nothing's, so the
  -- parts become totals
  local y = spec.encoding.y
  if on and y and (y.aggregate == "mean" or y.aggregate == "median") then
    ctx:note(("stacked, the parts add up, so they show the total %s rather than the %s"):format(
      tostring(y.field), y.aggregate == "mean" and "average" or "median"))
    y.aggregate = "sum"
  end
  set_option(spec, "stacked", on or nil)
  if not on and spec.options then spec.options.normalize = nil; if not next(spec.options) then spec.options = nil end end
  ctx:edit("stack")
end

-- "as percentages", "percent of total", "share", "normalize", "100%".
local PERCENT = { percent = true, percentage = true, percentages = true, proportion = true, proportions = true,
  share = true, shares = true, normalize = true, normalise = true, normalized = true, normalised = true,
  relative = true, fraction = true, fractions = true, ["%"] = true, pct = true }
local AS_FORM = { as = true, ["in"] = true, to = true, into = true }
-- (or the word said alone, with filler: "percent", "percentages please", "show percent")
local function as_form(ctx, i)
  local k = i - 1
  if ctx:w(k) == "a" or ctx:w(k) == "the" then k = k - 1 end
  if AS_FORM[ctx:w(k) or ""] or ctx:w(i + 1) == "of" then return true end
  for j, t in ipairs(ctx.tokens) do
    if j ~= i and t.w and not vocab.filler[t.w] and not lex.stop[t.w] then return false end
  end
  return true
end
function M.percent(ctx)
  -- "as % of each year": a percent sign that is not a number's (the tokens do not keep it), nor
  -- a title's ("x axis title 'savings rate %'": the title rules read it first)
  local titled = false
  for _, e in ipairs(ctx.edits) do titled = titled or e:find("title") ~= nil end
  local sign = ctx.prompt:find("%f[%d%%]%%") ~= nil and not titled
  for i, t in ipairs(ctx.tokens) do
    local hit = t.w and (PERCENT[t.w] or sign and (t.w == "as" or t.w == "show") and ctx:w(i + 1) == "of")
      and ctx:free(i)
    if t.w == "100" and (ctx:w(i + 1) == "percent" or ctx.prompt:find("100%s*%%")) then hit = true end
    if hit then
      -- "percent" next to a column name is the column ("percent change"), not this edit; nor is
      -- a word that only stands for a column of percents ("pct") when it is said as a form:
      -- "as a share", "in %", "as percentages", "share of the total"
      local m = ctx:mention_at(i)
      -- ("avg share", "median pct": an aggregate of it names the column)
      local aggregated = lex.aggregate[ctx:w(i - 1) or ""] ~= nil
      if m and m.i == m.j and m.score < 1 and as_form(ctx, i) and not aggregated
          and not m.col.name:lower():find(t.s, 1, true) then
        ctx:take(m)
        m = nil
      end
      if not m then
        ctx:mark(i)
        for k = i + 1, i + 3 do
          local w = ctx:w(k)
          if w == "of" or w == "the" or w == "total" or w == "whole" or w == "each" or w == "within"
              or w == "stacked" then ctx:mark(k) end
        end
        local spec = ctx.spec
        -- "percent within each hair colour": the groups the shares are taken in, already on x
        local base = ctx:mention_after(i + 1, 4)
        local x = spec.encoding.x
        if base and ctx:open(base) and x and x.field == base.col.name then ctx:take(base) end
        if spec.type == "pie" or spec.type == "donut" then
          ctx:edit("percent") -- slices are shares already
          return
        end
        if spec.type ~= "bar" and spec.type ~= "area" then
          local ok, why = channels.convert(spec, spec.type == "line" and "area" or "bar", ctx.df)
          if not ok then ctx:refuse(why); return end
        end
        if spec.encoding.color then set_option(spec, "stacked", true) end
        set_option(spec, "normalize", true)
        ctx:edit("percent")
        return
      end
    end
  end
end

-- "add a trend line", "regression", "line of best fit".
function M.trend(ctx)
  for i, t in ipairs(ctx.tokens) do
    local hit = (t.w == "trend" or t.w == "trendline" or t.w == "regression" or t.w == "linear"
      and ctx:w(i + 1) == "fit") and ctx:free(i)
    if t.w == "best" and ctx:w(i + 1) == "fit" then hit = true end
    -- "fit a line", "fit a line through it"
    if t.w == "fit" and ctx:free(i) and (ctx:w(i + 1) == "line" or ctx:w(i + 1) == "a" and ctx:w(i + 2) == "line") then
      hit = true
    end
    if hit then
      ctx:mark(i)
      for k = i - 2, i + 3 do
        local w = ctx:w(k)
        if w == "line" or w == "lines" or w == "fit" or w == "best" or w == "of" or w == "add" then ctx:mark(k) end
      end
      local remove = ctx:has { remove = true, without = true, no = true, hide = true, drop = true }
      local spec = ctx.spec
      if spec.type ~= "scatter" and spec.type ~= "bubble" then
        if spec.encoding.x and spec.encoding.x.type == "quantitative" and spec.encoding.y then
          local ok = channels.convert(spec, "scatter", ctx.df)
          if not ok then ctx:refuse("a trend line needs two numeric axes"); return end
        else
          ctx:note("a trend line is drawn on scatter plots; this chart has no numeric x axis for one")
          return
        end
      end
      set_option(spec, "regression", not remove or nil)
      ctx:edit("trend")
      return
    end
  end
end

-- "add data labels", "show the values on the bars", "remove the numbers".
local LABEL_TYPES = { bar = true, heatmap = true, pie = true, donut = true, funnel = true, treemap = true,
  sunburst = true }
-- "add labels", "with labels", "put values on top", "include the numbers"
local POLITE = { please = true, pls = true, plz = true, too = true, also = true, again = true, now = true }
local LABEL_VERBS = vocab.set [[add show with put include display annotate]]
-- "remove labels", "no labels", "take away the data labels", "hide the numbers"
local LABEL_OFF = vocab.set [[remove hide without no drop delete away lose off]]
-- the verb before a label word, over "the", "data", "value", "all" ("take away all the data labels")
local function label_verb(ctx, i)
  local k = i - 1
  while ctx:w(k) == "the" or ctx:w(k) == "data" or ctx:w(k) == "value" or ctx:w(k) == "all" do k = k - 1 end
  local w = ctx:w(k) or ""
  return LABEL_VERBS[w] or LABEL_OFF[w]
end
local MARK_NOUNS = vocab.set [[bar bars slice slices cell cells column columns point points]]
-- "the value on top of each bar", "the numbers in the cells": a value word placed on the marks
local VALUE_WORDS = vocab.set [[value values number numbers amount amounts figure figures total totals]]
local PLACING = vocab.set [[on top of in inside above over atop at the each every all a its their]]
local function on_marks(ctx, i)
  for k = i + 1, math.min(#ctx.tokens, i + 6) do
    local w = ctx:w(k)
    if MARK_NOUNS[w or ""] then return k end
    if not (w and PLACING[w]) then return nil end
  end
  return nil
end
local ANGLED = vocab.set [[horizontal horizontally vertical vertically flat straight rotated angled tilted diagonal
  slanted sideways]]
-- "label the points with the state name", "label each point by year", "annotate the dots with
-- country": a column's values written beside each mark — chartd has no such text layer, so it is
-- said and the column is not read as a new field.
local LABEL_WITH = { label = true, labels = true, labelled = true, labeled = true, annotate = true, tag = true }
local function no_mark_labels(ctx, column)
  ctx:note(("not applied: labelling each mark with its %s (chartd draws no per-mark text on a %s chart);"
    .. " the chart is unchanged"):format(column, ctx.spec.type))
end

local NAME_WORDS = vocab.set [[name names label labels]]
local DOT_NOUNS = vocab.set [[point points dot dots marker markers bubble bubbles circle circles bar bars slice slices]]
local BESIDE = vocab.set [[on next to beside by over above at near]]
-- "show state names on the points", "put the country next to each dot", "the names of the
-- cities on the dots": a column (with "name(s)" after or "names of" before it) placed on the marks.
local function column_on_marks(ctx)
  for _, m in ipairs(ctx:free_mentions()) do
    local k = m.j + 1
    if NAME_WORDS[ctx:w(k) or ""] then k = k + 1 end
    local first = k
    while BESIDE[ctx:w(k) or ""] or PLACING[ctx:w(k) or ""] do k = k + 1 end
    if k > first and BESIDE[ctx:w(first)] and DOT_NOUNS[ctx:w(k) or ""] then return m, k end
  end
  return nil
end

local function labels_with_column(ctx)
  local on, last = column_on_marks(ctx)
  if on then
    ctx:take(on)
    local from = on.i
    while from > 1 and (NAME_WORDS[ctx:w(from - 1) or ""] or ctx:w(from - 1) == "of" or ctx:w(from - 1) == "the"
      or LABEL_VERBS[ctx:w(from - 1) or ""]) do from = from - 1 end
    for j = from, last do ctx:mark(j) end
    no_mark_labels(ctx, on.col.name)
    return true
  end
  for i, t in ipairs(ctx.tokens) do
    if LABEL_WITH[t.w or ""] and ctx:free(i) then
      for k = i + 1, math.min(#ctx.tokens, i + 5) do
        local w = ctx:w(k)
        local m = (w == "with" or w == "by" or w == "using") and ctx:mention_after(k + 1, 3)
        if m and ctx:open(m) then
          ctx:take(m)
          for j = i, m.i - 1 do ctx:mark(j) end
          if ctx:w(m.j + 1) == "name" or ctx:w(m.j + 1) == "names" then ctx:mark(m.j + 1) end
          no_mark_labels(ctx, m.col.name)
          return true
        end
      end
    end
  end
  return false
end

function M.labels(ctx)
  if labels_with_column(ctx) then return end
  for i, t in ipairs(ctx.tokens) do
    local nxt = ctx:w(i + 1)
    -- "labels off", "data labels on please": the switch after the word, at the end
    local switched = (nxt == "off" or nxt == "on") and (ctx:w(i + 2) == nil or POLITE[ctx:w(i + 2)])
    -- "put the labels horizontal", "labels at 45 degrees": their angle (style.label_angle)
    local angled = ANGLED[nxt or ""] or nxt == "at" and tonumber(ctx:w(i + 2) or "")
    -- ("by the total column": a column's name, said as one)
    local named_column = ctx:mention_at(i) and (nxt == "column" or nxt == "field" or nxt == "variable")
    local hit = ctx:free(i) and not angled and not named_column
      and (((t.w == "labels" or t.w == "label" or t.w == "labelled" or t.w == "labeled")
      and (ctx:w(i - 1) == "data" or ctx:w(i - 1) == "value" or nxt == "the" and ctx:w(i + 2) == "bars"
        or nxt == "bars" or nxt == "values" or label_verb(ctx, i) or switched))
      or ((t.w == "values" or t.w == "numbers") and (label_verb(ctx, i) or ctx:w(i - 1) == "the")
        and (nxt == "on" or nxt == nil or POLITE[nxt]))
      -- "numbers on bars", "values on top of the bars"
      or ((t.w == "values" or t.w == "numbers") and nxt == "on" and (ctx:w(i + 2) == "bars" or ctx:w(i + 2) == "top"
        or ctx:w(i + 2) == "the" and (ctx:w(i + 3) == "bars" or ctx:w(i + 3) == "bar")))
      -- "add the value on top of each bar", "numbers in the cells please"
      or VALUE_WORDS[t.w] and (label_verb(ctx, i) or ctx:w(i - 1) == "the") and on_marks(ctx, i)
      -- "annotate the bars", "annotate values": labels, said with the verb alone
      or t.w == "annotate"
      -- "label each bar", "label every slice"
      or t.w == "label" and (nxt == "each" or nxt == "every" or nxt == "all") and MARK_NOUNS[ctx:w(i + 2) or ""])
    if hit then
      local off = ctx:has(LABEL_OFF) or ctx:has { off = true }
      ctx:mark(i)
      local marks = VALUE_WORDS[t.w] and on_marks(ctx, i)
      for k = i + 1, marks or i do ctx:mark(k) end
      for k = i - 2, i + 3 do
        local w = ctx:w(k)
        if w == "data" or w == "value" or w == "on" or w == "the" or w == "bars" or LABEL_VERBS[w] or LABEL_OFF[w]
            or w == "off" or w == "take" or w == "all" or w == "values" or w == "numbers" or w == "labels"
            or w == "each" or w == "bar" or w == "top" and ctx:w(k - 1) == "on" then ctx:mark(k) end
      end
      local spec = ctx.spec
      if not LABEL_TYPES[spec.type] then
        ctx:note(("value labels are drawn on bar, pie and heatmap charts, not on a %s chart"):format(spec.type))
        return
      end
      set_option(spec, "labels", not off)
      ctx:edit("labels")
      return
    end
  end
end

return M
