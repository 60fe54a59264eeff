-- Follow-up rules about which rows are drawn and in what order: filters on values ("only
-- Europe", "exclude Technology", "drop snow"), ranges ("budgets over 100 million", "penguins
-- heavier than 4kg"), dates ("only 2014", "since 1980", "1965, 1985 and 2005"), missing values,
-- removing a filter ("include all genres"), top / bottom N, and sorting. Filters become
-- `transform` steps (lua/transforms/), so the data itself stays whole.
local lex = require "planner.lexicon"
local frame = require "data.frame"
local json = require "util.json"
local numbers = require "planner.edits.numbers"
local profile = require "planner.profile"
local vocab = require "planner.edits.vocab"

local M = {}

local set = vocab.set
local in_value, widens

local NEGATE = set [[without exclude excluding except remove drop hide not no minus ignore omit skip filter
  lose leave get rid]]
local KEEP = set [[only just keep show for in focus limit restrict include including add plus also too
  what about select]]
local FILTER_KEEP = set [[to for on down just only]]
local OUT_VERBS = set [[take cut strip pull knock throw]]
-- a past participle after the values: "Japan removed", "X and Y excluded"
-- (the typo corrector may have made them "remove", "exclude")
local REMOVED = set [[removed excluded dropped hidden gone omitted deleted remove exclude drop hide omit delete]]
local WIDEN_WORDS = set [[include including add plus also too]]
local KIND_OF = set [[kind kinds type types sort sorts category categories]]
local GROUPING = set [[each every per by]]
-- Words before a name that place the rows ("flights from LAX", "flights to SFO").
local PLACE_CUES = set [[from to at]]
-- Words that compare values side by side ("1955 vs 2005", "compare it to amazon").
local COMPARE = set [[vs versus compare compared comparing comparison against side next beside alongside second]]

-- The transform list of the spec (created on demand) and helpers over its filter steps.
local function steps(spec)
  spec.transform = spec.transform or json.array({})
  return spec.transform
end

-- The field a filter step tests (nil for composite ones).
local function step_field(step)
  local f = step.filter
  if type(f) ~= "table" then return nil end
  if f.field then return f.field end
  if type(f["not"]) == "table" then return f["not"].field end
  return nil
end

-- Removes the filters on `field` (all filters when field is nil); returns how many.
function M.drop_filters(spec, field)
  local list, kept, n = spec.transform or {}, json.array({}), 0
  for _, step in ipairs(list) do
    if step.filter and (field == nil or step_field(step) == field) then n = n + 1 else kept[#kept + 1] = step end
  end
  spec.transform = #kept > 0 and kept or nil
  return n
end

local function add_filter(spec, pred)
  M.drop_filters(spec, pred.field or (pred["not"] and pred["not"].field))
  local list = steps(spec)
  table.insert(list, 1, { filter = pred }) -- filters first: a later top-n ranks what is left
end

-- After a follow-up's rules: one value kept of the column the chart is split by ("just NY" on a
-- line per city) leaves one series or panel, drawn without a legend or a grid of one.
function M.one_series_left(ctx)
  local enc = ctx.spec.encoding
  local edited = {}
  for _, e in ipairs(ctx.edits) do edited[e] = true end
  -- (only a filter this request set, and not beside a split it asked for)
  if not edited.filter or edited.color or edited.facet then return end
  for _, step in ipairs(ctx.spec.transform or {}) do
    local f = step.filter
    local one = type(f) == "table"
      and (f.equal ~= nil and not f.timeUnit or type(f.oneOf) == "table" and #f.oneOf == 1)
    for _, ch in ipairs { "color", "column", "row" } do
      if one and enc[ch] and enc[ch].field == f.field then enc[ch] = nil end
    end
  end
end

local function current_filter(spec, field)
  for _, step in ipairs(spec.transform or {}) do
    if step.filter and step_field(step) == field then return step.filter end
  end
  return nil
end

-- A number that reads as a year on its own ("only 1855", "since 2019"): data reach back centuries.
function M.plain_year(n)
  return n % 1 == 0 and n >= 1700 and n <= 2100
end

-- Value filters -------------------------------------------------------------------

-- Whether token i is a word of a value the data holds as text ("1960-74", "75+", "Model 3").
function in_value(ctx, i)
  for _, v in ipairs(ctx:value_mentions()) do
    if v.i <= i and v.j >= i then return true end
  end
  return false
end

-- Which channel a column is on, for preferring the chart's own columns.
local function on_chart(spec, name)
  for _, ch in pairs(spec.encoding or {}) do
    if type(ch) == "table" and ch.field == name then return true end
  end
  return false
end

local function cue_before(ctx, i, set_, n)
  for k = i - 1, math.max(1, i - (n or 3)), -1 do
    local w = ctx:w(k)
    if w and set_[w] and not ctx.talk[k] then return k end
    if ctx.tokens[k].p and ctx.tokens[k].p ~= "," then return nil end
  end
  return nil
end

-- The word before i, in the same clause, that negates what follows ("exclude", "leave out the
-- rows with X over 5", "no more than"), or nil; "filter to X" and "leave only X" keep X.
local CLAUSE_BREAK = set [[and but then only just keep]]
local function negation(ctx, i, n)
  for k = i - 1, math.max(1, i - (n or 7)), -1 do
    local w = ctx:w(k)
    if ctx.tokens[k].p and ctx.tokens[k].p ~= "," or CLAUSE_BREAK[w] then return nil end
    if w and NEGATE[w] and not ctx.talk[k] then
      if (w == "filter" or w == "leave") and ctx:w(k + 1) ~= "out" then return nil end
      return k
    end
  end
  return nil
end

-- Marks a negation cue and its "out" ("leave out", "take out").
local function mark_negation(ctx, k)
  ctx:mark(k)
  if ctx:w(k + 1) == "out" then ctx:mark(k + 1) end
end

-- Adds a filter step for pred, or, after a negation cue at neg, for the rows it leaves out.
local function filter_rows(ctx, pred, neg)
  if neg then
    mark_negation(ctx, neg)
    pred = { ["not"] = pred }
  end
  add_filter(ctx.spec, pred)
  ctx:edit("filter")
  return pred
end
M.filter_rows, M.negation = filter_rows, negation

-- The chart's measure: its first channel of numbers drawn from a column.
local function chart_measure(ctx)
  local enc = ctx.spec.encoding
  for _, ch in ipairs { "y", "theta", "x", "size", "color" } do
    local e = enc[ch]
    if e and e.field and ctx.df.types[e.field] == "quantitative" then return e.field end
  end
  return nil
end

-- The one place that decides which column a comparison or a date names: a column named just
-- before it ("longitude above -5", "for budget year 2010", "forecasts after 2015"), else just
-- after its last number ("between -5 and 5 longitude"), of a kind `fits` accepts.
local BEFORE_SKIP = set [[with whose where rated that are is was were which of]]
local function named_column(ctx, at, last, fits)
  local k = at - 1
  while k >= 1 and ctx.tokens[k].w and (lex.stop[ctx:w(k)] or BEFORE_SKIP[ctx:w(k)]) and not ctx:mention_at(k) do
    k = k - 1
  end
  local m = ctx:mention_at(k)
  if m and ctx:open(m) and fits(m.col) then return m end
  m = ctx:mention_after(last + 1, 2)
  if m and ctx:open(m) and fits(m.col) then return m end
  return nil
end

-- "only PG-13 and R movies", "drop snow", "exclude Technology", "include fog too", "what about Japan".
local apply_values
function M.values(ctx)
  apply_values(ctx, ctx:value_mentions())
end

-- Values named loosely by words no other rule explained ("only apple and microsoft" for AAPL and
-- MSFT, "add nuclear too" for "Nuclear Energy", "switch to the robin" for "American Robin", "the
-- four Georges"); runs after the other rules. On a first turn (first = true) every such value
-- needs a cue ("… for the bullfrog"; a code also "flights from Atlanta", never a word of a value:
-- "deaths from disasters"): its words are the chart's too.
local SWITCH = set [[switch change instead now]]
local FIRST_CUES = set [[from out]]
local function loose(ctx, first)
  local kept = {}
  for _, v in ipairs(ctx:loose_value_mentions(first)) do
    -- one word of a longer value ("disaster" of "All natural disasters") needs a filter cue near it
    -- (a place's name for its code, "texas" for TX, needs none: people name places to keep them)
    local cued = not (v.word_of or first) or v.place
    for k = v.i - 4, v.i + 2 do
      local w = k ~= v.i and ctx:w(k)
      if w and (KEEP[w] or NEGATE[w] or WIDEN_WORDS[w] or COMPARE[w] or SWITCH[w] or first and not v.word_of and FIRST_CUES[w]) then
        cued = true
      end
    end
    -- "for each kind of disaster", "by type of crime": the word names the groups, not rows to keep
    local b = v.i - 1
    if ctx:w(b) == "of" and KIND_OF[ctx:w(b - 1) or ""] then b = b - 2 end
    if GROUPING[ctx:w(b) or ""] then cued = false end
    if cued then kept[#kept + 1] = v end
  end
  apply_values(ctx, kept)
end
function M.loose_values(ctx) loose(ctx, false) end
function M.first_turn_loose_values(ctx) loose(ctx, true) end

-- "use orange", "make it red", "paint them green": a colour for the marks (style.mark_color),
-- not the rows of a value that is also a colour's name (a city called Orange)
local PAINT = set [[use make paint colour color turn in]]
local MARKS = set [[it them the all line lines bar bars dots points areas slices]]
function M.painted(ctx, v)
  -- "make the usa points red and non-usa blue": a value's marks given a colour
  -- (style.some_marks_coloured)
  -- ("none=grey, some=light blue": a colour after an equals sign or a colon, of one word or two)
  local named = require("layout.color").named
  local k = v.j + 1
  while ctx.tokens[k] and (not ctx:w(k) or MARKS[ctx:w(k)] or ctx:w(k) == "in" or ctx:w(k) == "ones")
      and ctx:w(k) ~= "it" and ctx:w(k) ~= "the" do
    k = k + 1
  end
  local colour = named(ctx:w(k) or "") or named((ctx:w(k) or "") .. (ctx:w(k + 1) or ""))
  if colour and not cue_before(ctx, v.i, KEEP, 3) and not cue_before(ctx, v.i, NEGATE, 3) then
    return true
  end
  if v.i ~= v.j or not named(ctx:w(v.i)) then return false end
  local k = v.i - 1
  while MARKS[ctx:w(k) or ""] do k = k - 1 end
  return PAINT[ctx:w(k) or ""] ~= nil and not cue_before(ctx, v.i, KEEP, 3) and not cue_before(ctx, v.i, NEGATE, 3)
end

local PANEL_WORDS = set [[panel panels facet facets faceted multiples subplots subplot]]
-- "split by good/bad class", "colour by male/female": values named after "by" stand for their
-- column, the groups to split by (not rows to keep). True when read.
local function split_by_values(ctx, field, hits)
  local b = hits[1].i - 1
  if ctx:w(b) == "the" then b = b - 1 end
  if ctx:w(b) ~= "by" or #hits < 2 then return false end
  local enc = ctx.spec.encoding
  for _, ch in pairs(enc) do if type(ch) == "table" and ch.field == field then return false end end
  for _, v in ipairs(hits) do
    for k = v.i, v.j do ctx:mark(k) end
    if ctx:w(v.j + 1) == "and" or ctx:w(v.j + 1) == "or" then ctx:mark(v.j + 1) end
  end
  ctx:mark(b)
  local m = ctx:mention_after(hits[#hits].j + 1, 1)
  if m and m.col.name == field then ctx:take(m) end
  local panels = ctx:find(PANEL_WORDS, 1)
  if panels or enc.color or ctx.spec.type == "pie" or ctx.spec.type == "donut" then
    if panels then ctx:mark(panels) end
    enc.column = { field = field, type = "nominal" }
    ctx:edit("facet")
  else
    enc.color = { field = field, type = "nominal" }
    ctx:edit("color")
  end
  return true
end

-- Whether the words of value mention v name a place whose code another column holds ("ohio", OH).
local function coded_place_elsewhere(ctx, v)
  local words = {}
  for k = v.i, v.j do words[#words + 1] = ctx:w(k) end
  local code = lex.place_codes[table.concat(words, " ")]
  if not code then return false end
  for _, name in ipairs(ctx.df.names) do
    if name ~= v.col and (ctx.df.types[name] == "nominal" or ctx.df.types[name] == "ordinal") then
      for _, x in ipairs(require("data.frame").distinct(ctx.df, name)) do
        if x == code then return true end
      end
    end
  end
  return false
end

apply_values = function(ctx, mentions)
  local named = {}
  local order = {}
  for _, v in ipairs(mentions) do
    -- ("next to each other": the words of the phrase, not a value called "Other")
    local clash = M.painted(ctx, v) or v.i == v.j and ctx:w(v.i) == "other" and ctx:w(v.i - 1) == "each"
    -- one word among thousands of names ("… is fine" beside a city called Fine) names a row only
    -- after a filter cue ("only ohio", "also ohio", "drop fine")
    if v.crowded and v.i == v.j and not cue_before(ctx, v.i, KEEP, 3) and not cue_before(ctx, v.i, NEGATE, 3)
        and not cue_before(ctx, v.i, COMPARE, 3) and not cue_before(ctx, v.i, PLACE_CUES, 3) then
      clash = true
    end
    -- ("only ohio" over states' codes and thousands of county names, one of them OHIO: the state,
    -- read by rows.loose_values)
    if v.crowded and coded_place_elsewhere(ctx, v) then clash = true end
    for k = v.i, v.j do
      if ctx.used[k] then clash = true end
      -- a column named by the same word wins, unless a filter cue points at the value
      -- (a weak reading of one word of a longer value does not: "county" of "Collin County")
      local m = ctx:mention_at(k)
      if m and not cue_before(ctx, v.i, KEEP, 2) and not cue_before(ctx, v.i, NEGATE, 2)
          and not (v.j > v.i and m.score < 0.6) then
        clash = true
      end
    end
    if not clash then
      if not named[v.col] then named[v.col] = {}; order[#order + 1] = v.col end
      table.insert(named[v.col], v)
    end
  end
  if #order == 0 then return end
  -- one column: the one on the chart, else the one named most. A column this request groups by
  -- ("to each destination") keeps all its values: "from LAX" then names rows of another column.
  local function grouped_here(name)
    for _, m in ipairs(ctx.mentions) do
      local before = ctx:w(m.i - 1)
      if m.col.name == name and (before == "each" or before == "every" or before == "per" or before == "by") then
        return true
      end
    end
    return false
  end
  -- (or the one kept to some values already: "also ohio" adds to the states kept)
  local function preferred(name)
    local cur = current_filter(ctx.spec, name)
    return on_chart(ctx.spec, name) and not grouped_here(name) or cur ~= nil and cur.oneOf ~= nil
  end
  table.sort(order, function(a, b)
    local ca, cb = preferred(a), preferred(b)
    if ca ~= cb then return ca end
    return #named[a] > #named[b]
  end)
  local field = order[1]
  local hits = named[field]
  local first = hits[1].i
  if split_by_values(ctx, field, hits) then return end
  local neg_at = cue_before(ctx, first, NEGATE, 4)
  -- "filter X", "filter to X", "filter for X", "filter on X": keep X, as a filter keeps the rows it
  -- matches ("filter out X", "filter X out" drop it)
  local filter_out = neg_at and ctx:w(neg_at) == "filter"
    and (ctx:w(neg_at + 1) == "out" or ctx:w(hits[#hits].j + 1) == "out")
  if neg_at and ctx:w(neg_at) == "filter" and not filter_out then
    ctx:mark(neg_at)
    if FILTER_KEEP[ctx:w(neg_at + 1) or ""] then ctx:mark(neg_at + 1) end
    neg_at = nil
  end
  if filter_out and ctx:w(hits[#hits].j + 1) == "out" then ctx:mark(hits[#hits].j + 1) end
  -- "take out X", "cut out X": drop it
  local out = not neg_at and cue_before(ctx, first, { out = true }, 3)
  if out and OUT_VERBS[ctx:w(out - 1) or ""] then
    ctx:mark(out - 1)
    neg_at = out
  end
  -- "take X out", "leave X and Y out", "keep X out of it": the verb before, "out" after the values
  local after = hits[#hits].j + 1
  if not neg_at and REMOVED[ctx:w(after) or ""] then
    neg_at = after
  end
  if not neg_at and (ctx:w(after) == "out" or ctx:w(after) == "away") then
    local verb = ctx:w(first - 1) == "the" and first - 2 or first - 1
    if OUT_VERBS[ctx:w(verb) or ""] or ctx:w(verb) == "leave" or ctx:w(verb) == "keep" then
      ctx:mark(verb, after)
      neg_at = after
    end
  end
  if ctx:w(first - 1) == "than" and ctx:w(first - 2) == "other" then neg_at = first - 2 end
  local spec = ctx.spec
  local cur = current_filter(spec, field)
  local widen, compared = widens(ctx, cur)
  if neg_at then
    ctx:mark(neg_at)
    if ctx:w(neg_at + 1) == "the" then ctx:mark(neg_at + 1) end
  end
  local vals = {}
  for _, v in ipairs(hits) do
    for k = v.i, v.j do ctx:mark(k) end
    vals[#vals + 1] = v.value
    -- "and", "or", commas between the values, a cue just before them
    if ctx:w(v.j + 1) == "and" or ctx:w(v.j + 1) == "or" then ctx:mark(v.j + 1) end
  end
  local keep_at = cue_before(ctx, first, KEEP, 3)
  if keep_at then ctx:mark(keep_at) end
  -- the column's own name after the values ("the East region") is part of the filter
  local m = ctx:mention_after(hits[#hits].j + 1, 1)
  if m and m.col.name == field then ctx:take(m) end
  -- a word read loosely as another column right after them names the rows ("only USA cars")
  if m and m.col.name ~= field and m.i == hits[#hits].j + 1 and m.score < 0.9 and ctx:open(m) then ctx:take(m) end
  -- … and so does a plural noun there that names nothing, after a cue ("only daytime strikes",
  -- "drop the night flights")
  local noun = hits[#hits].j + 1
  local nw = ctx:w(noun)
  if (keep_at or neg_at) and nw and #nw >= 4 and nw:match("s$") and ctx:free(noun) and not ctx:mention_at(noun)
      and not lex.stop[nw] and not vocab.command[nw] and not vocab.styling[nw] and not lex.chart[nw] then
    ctx:mark(noun)
  end
  -- … or just before them ("the Alaska network, ak", "region: East")
  -- ("with conservation status lc": a word of the name's kind may stand between)
  local b = first - 1
  while ctx.tokens[b] and ctx.tokens[b].p do b = b - 1 end
  m = ctx:mention_at(b) or ctx:mention_at(b - 1)
  if m and m.col.name == field and ctx:open(m) then
    ctx:take(m)
    for k = m.j + 1, first - 1 do ctx:mark(k) end
  end
  if neg_at then
    if cur and cur.oneOf then
      local drop, left = {}, {}
      for _, v in ipairs(vals) do drop[v] = true end
      for _, v in ipairs(cur.oneOf) do if not drop[v] then left[#left + 1] = v end end
      if #left == 0 then ctx:refuse("no rows would be left after that filter"); return end
      add_filter(spec, { field = field, oneOf = json.array(left) })
    else
      local prev = cur and cur["not"] and cur["not"].oneOf or {}
      local all = {}
      for _, v in ipairs(prev) do all[#all + 1] = v end
      for _, v in ipairs(vals) do all[#all + 1] = v end
      add_filter(spec, { ["not"] = { field = field, oneOf = json.array(all) } })
    end
  else
    if widen and cur and cur.oneOf then
      for _, v in ipairs(cur.oneOf) do table.insert(vals, v) end
    elseif widen and cur and cur["not"] then
      -- "include X again" after excluding it
      local drop = {}
      for _, v in ipairs(vals) do drop[v] = true end
      local left = {}
      for _, v in ipairs(cur["not"].oneOf or {}) do if not drop[v] then left[#left + 1] = v end end
      if #left == 0 then M.drop_filters(spec, field) else add_filter(spec, { ["not"] = { field = field, oneOf = json.array(left) } }) end
      ctx:edit("filter")
      return
    end
    add_filter(spec, { field = field, oneOf = json.array(vals) })
    M.split_by_kept(ctx, field, #vals, compared)
  end
  ctx:edit("filter")
end

-- "only LTS", "LTS only", "exclude the LTS ones", "non-LTS": a column of yes/no (true/false)
-- named with a filter cue keeps its yes (or, negated, its no) rows. Without a cue ("by LTS")
-- it is a column to split by, read elsewhere.
local YES = set [[true yes y t 1]]
local NO = set [[false no n f 0]]
local FLAG_CUES = set [[only just keep for limit restrict select focus]]
local function yes_no(ctx, name)
  if ctx.df.types[name] ~= "nominal" then return nil end
  local vals = require("data.frame").distinct(ctx.df, name)
  if #vals ~= 2 then return nil end
  local yes, no
  for _, v in ipairs(vals) do
    local low = tostring(v):lower()
    if YES[low] then yes = v elseif NO[low] then no = v end
  end
  if yes ~= nil and no ~= nil then return yes, no end
  return nil
end
function M.flags(ctx)
  for _, m in ipairs(ctx:free_mentions()) do
    local yes, no = yes_no(ctx, m.col.name)
    if yes ~= nil then
      local neg = (ctx:w(m.i - 1) == "non" or ctx:w(m.i - 1) == "not") and m.i - 1 or negation(ctx, m.i)
      local cue = cue_before(ctx, m.i, FLAG_CUES, 3) or FLAG_CUES[ctx:w(m.j + 1) or ""] and m.j + 1
      if neg or cue then
        local field = ctx:take(m)
        if neg then mark_negation(ctx, neg) end
        if cue then ctx:mark(cue) end
        for k = m.i - 2, m.j + 2 do
          local w = ctx:w(k)
          if w == "the" or w == "ones" or w == "rows" then ctx:mark(k) end
        end
        add_filter(ctx.spec, { field = field, oneOf = json.array({ neg and no or yes }) })
        ctx:edit("filter")
        return
      end
    end
  end
end

-- Whether the request adds values to those kept ("also X", "include X"; "compare it to amazon",
-- "… vs amazon" on a chart kept to other values). Marks the cue words.
-- Second result: whether they are compared (to be seen apart).
function widens(ctx, cur)
  local widen, compared = false, false
  for i, t in ipairs(ctx.tokens) do
    if t.w and ctx:free(i) and (WIDEN_WORDS[t.w] or cur and cur.oneOf and COMPARE[t.w]) then
      widen, compared = true, compared or COMPARE[t.w] ~= nil
      ctx:mark(i)
    end
  end
  return widen, compared
end

-- Values kept side by side are compared: "1955 vs 2005 side by side", "Japan, Brazil and Nigeria"
-- as lines. Two or more of them split the chart by their column when its colour is free.
-- A histogram compares its distributions in panels side by side, not in one stack of bins.
function M.split_by_kept(ctx, field, n, both)
  local spec, enc = ctx.spec, ctx.spec.encoding
  if n < 2 or enc.color or spec.type == "pie" or spec.type == "donut" then return end
  for _, ch in pairs(enc) do if type(ch) == "table" and ch.field == field then return end end
  local lines = spec.type == "line" or spec.type == "area"
  local compared = ctx:find(COMPARE, 1)
  -- ("show both sexes": the two named to be seen apart)
  if not (lines or compared or both) then return end
  -- ("only the four Georges" on a line of reigns: a column naming each row once splits the
  -- line into points of one row each; the rows kept are the answer)
  local key = ctx.prof and ctx.prof.key
  if lines and not (compared or both) and key and key.name == field then return end
  if compared then ctx:mark(compared) end
  if ctx:w(compared and compared + 1 or 0) == "by" and ctx:w(compared + 2) == "side" then ctx:mark(compared + 1, compared + 2) end
  -- ("separate panels for men and women"): a panel each, as asked
  local panels = ctx:find(PANEL_WORDS, 1)
  if spec.type == "histogram" or panels then
    if panels then ctx:mark(panels) end
    enc.column = { field = field, type = "nominal" }
    ctx:edit("facet")
    return
  end
  enc.color = { field = field, type = "nominal" }
  ctx:edit("color")
end

-- "only cluster 2 and 4", "exclude cluster 0", "cylinders 4 and 6": a column of a few whole
-- numbers (codes, counts) named with some of its values.
function M.coded_values(ctx)
  for _, m in ipairs(ctx:free_mentions()) do
    local c = m.col
    if c.type == "quantitative" and c.discrete then
      local vals, k = {}, m.j + 1
      local present = {}
      local col = ctx.df.columns[c.name]
      for r = 1, ctx.df.nrows do if col[r] ~= nil then present[col[r]] = true end end
      while ctx.tokens[k] do
        local w = ctx:w(k)
        local n = w and tonumber(w)
        if n and present[n] then
          vals[#vals + 1] = n
        elseif not (w == "and" or w == "or" or ctx.tokens[k].p == ",") then
          break
        end
        k = k + 1
      end
      if #vals > 0 then
        local neg = cue_before(ctx, m.i, NEGATE, 3)
        for j = m.i, k - 1 do ctx:mark(j) end
        ctx:take(m)
        local keep = cue_before(ctx, m.i, KEEP, 3)
        if keep then ctx:mark(keep) end
        if neg then
          ctx:mark(neg)
          add_filter(ctx.spec, { ["not"] = { field = c.name, oneOf = json.array(vals) } })
        else
          -- ("compare with district 1" on district 4: both)
          local cur = current_filter(ctx.spec, c.name)
          local widen, compared = false, false
          if cur and cur.oneOf then widen, compared = widens(ctx, cur) end
          if widen then
            for _, v in ipairs(cur.oneOf) do table.insert(vals, v) end
          end
          add_filter(ctx.spec, { field = c.name, oneOf = json.array(vals) })
          M.split_by_kept(ctx, c.name, #vals, compared)
        end
        ctx:edit("filter")
        return
      end
    end
  end
end

-- "drop the zeros", "exclude zero-cost strikes", "non-zero values only": rows whose value is 0, in
-- the column named beside the word or else the chart's measure, are left out.
local ZERO = set [[zero zeros zeroes 0]]
function M.zeros(ctx)
  for i, t in ipairs(ctx.tokens) do
    local neg = t.w and ZERO[t.w] and ctx:free(i) and (cue_before(ctx, i, NEGATE, 3) or ctx:w(i - 1) == "non" and i - 1)
    if neg and not (t.w == "0" and tonumber(ctx:w(i - 1) or "")) then
      ctx:mark(i, neg)
      for k = i - 2, i + 2 do
        local w = ctx:w(k)
        if w == "the" or w == "values" or w == "ones" or w == "rows" or w == "entries" or w == "only" then ctx:mark(k) end
      end
      local m = ctx:mention_after(i + 1, 1)
      local field = m and ctx:open(m) and ctx:take(m) or chart_measure(ctx)
      if not field then ctx:refuse("the chart has no column of numbers to leave the zeros out of"); return end
      table.insert(steps(ctx.spec), 1, { filter = { ["not"] = { field = field, equal = 0 } } })
      ctx:edit("filter")
      return
    end
  end
end

-- "leave out the ones with no damage", "only strikes without injuries": a column named after
-- "no"/"without" whose categories include a none-like value ("None", "No") keeps or drops it.
local NONE_VALUES = set [[none no nil n/a zero]]
function M.none_values(ctx)
  for i, t in ipairs(ctx.tokens) do
    -- "only cars with airbags": the rows whose column holds something other than its none-like value
    if (t.w == "with" or t.w == "having") and ctx:free(i) and ctx:w(i + 1) ~= "no" and ctx:w(i + 1) ~= "the" then
      local m = ctx:mention_after(i + 1, 2)
      local none
      if m and ctx:open(m) and ctx.df.types[m.col.name] ~= "quantitative" and m.i == i + 1 then
        for _, v in ipairs(require("data.frame").distinct(ctx.df, m.col.name)) do
          if type(v) == "string" and NONE_VALUES[v:lower()] then none = v end
        end
      end
      local keep = cue_before(ctx, i, KEEP, 5)
      if none and keep then
        ctx:mark(i, keep)
        for k = keep + 1, i - 1 do ctx:mark(k) end
        local field = ctx:take(m)
        add_filter(ctx.spec, { ["not"] = { field = field, oneOf = json.array({ none }) } })
        ctx:edit("filter")
        return
      end
    end
    if (t.w == "no" or t.w == "without") and ctx:free(i) then
      local m = ctx:mention_after(i + 1, 2)
      local none
      if m and ctx.df.types[m.col.name] ~= "quantitative" then
        for _, v in ipairs(require("data.frame").distinct(ctx.df, m.col.name)) do
          if type(v) == "string" and NONE_VALUES[v:lower()] then none = v end
        end
      elseif m and ctx:open(m) and (ctx:w(i - 1) == "with" or t.w == "without") and m.col.min == 0 then
        -- "women with no children", "without children": a count of none is 0
        none = 0
      end
      if none then
        -- "leave out the ones with no X" drops them; "only the ones with no X" keeps them
        local neg = cue_before(ctx, i, NEGATE, 6)
        ctx:mark(i)
        if neg then ctx:mark(neg) end
        for k = (neg or i) + 1, i - 1 do
          local w = ctx:w(k)
          if w == "the" or w == "ones" or w == "rows" or w == "with" or w == "any" or w == "out" or KEEP[w] then ctx:mark(k) end
        end
        local field = ctx:take(m)
        add_filter(ctx.spec, neg and { ["not"] = { field = field, oneOf = json.array({ none }) } }
          or { field = field, oneOf = json.array({ none }) })
        ctx:edit("filter")
        return
      end
    end
  end
end

-- "just the G7", "only EU countries", "exclude the Nordics": a kind whose every member
-- lua/synth/kinds.lua lists (`complete`), kept (or left out) from the column that holds them.
function M.named_group(ctx)
  for _, f in ipairs(require("synth.vocab").find_kinds(ctx.tokens)) do
    local kind, free = f.kind, f.kind.complete
    for k = f.first, f.last do free = free and ctx:free(k) end
    if free then
      local members = {}
      for _, v in ipairs(kind.values) do members[v:lower()] = true end
      for _, v in ipairs(kind.aka or {}) do members[v:lower()] = true end
      for _, name in ipairs(ctx.df.names) do
        local kept = {}
        if ctx.df.types[name] == "nominal" or ctx.df.types[name] == "ordinal" then
          for _, v in ipairs(require("data.frame").distinct(ctx.df, name)) do
            if members[tostring(v):lower()] then kept[#kept + 1] = v end
          end
        end
        if #kept >= 2 then
          for k = f.first, f.last do ctx:mark(k) end
          local keep_at = cue_before(ctx, f.first, KEEP, 3)
          if keep_at then ctx:mark(keep_at) end
          if ctx:w(f.first - 1) == "the" then ctx:mark(f.first - 1) end
          filter_rows(ctx, { field = name, oneOf = json.array(kept) }, negation(ctx, f.first))
          return
        end
      end
    end
  end
end

-- "drop the missing ones", "ignore NA sex", "remove nulls", "without blanks".
local MISSING = set [[missing na nas n/a null nulls blank blanks empty unknown unknowns nan nans none]]
function M.missing(ctx)
  for i, t in ipairs(ctx.tokens) do
    if t.w and MISSING[t.w] and ctx:free(i) and (cue_before(ctx, i, NEGATE, 3) or ctx:w(i + 1) == "values"
        or ctx:w(i - 1) == "no") then
      local neg = cue_before(ctx, i, NEGATE, 3)
      ctx:mark(i)
      if neg then ctx:mark(neg) end
      for k = i - 2, i + 2 do
        local w = ctx:w(k)
        if w == "the" or w == "values" or w == "ones" or w == "rows" or w == "entries" or w == "data" then ctx:mark(k) end
      end
      local m = ctx:mention_after(i + 1, 2) or ctx:mention_at(i - 1)
      local field = m and ctx:open(m) and ctx:take(m)
      local spec = ctx.spec
      if not field then
        -- the chart's own column that has missing values
        for _, ch in ipairs { "x", "color", "y", "column", "theta" } do
          local e = spec.encoding[ch]
          if not field and e and e.field and ctx.df.columns[e.field] then
            local col = ctx.df.columns[e.field]
            for r = 1, ctx.df.nrows do if col[r] == nil then field = e.field; break end end
          end
        end
      end
      if not field then ctx:note("the chart's columns have no missing values"); return end
      table.insert(steps(spec), 1, { filter = { field = field, valid = true } })
      ctx:edit("filter")
      return
    end
  end
end

-- Words after "everything" that make it a filter ("remove everything before 2000"), not all rows.
local RESTRICTS = set [[before after except but since until from west east north south above below over under
  between older newer earlier later with without outside]]

-- The column of the one filter that keeps some values of a column of categories ("only AMZN",
-- "just New York"): what "the others", "both cities", "all of them" widen.
local function kept_values_field(ctx)
  local found
  for _, step in ipairs(ctx.spec.transform or {}) do
    local f = step.filter
    if type(f) == "table" and f.field and (f.oneOf or f.equal ~= nil) and not f.timeUnit
        and ctx:type_of(f.field) ~= "quantitative" and ctx:type_of(f.field) ~= "temporal" then
      if found then return nil end
      found = f.field
    end
  end
  return found
end

-- Words after "both" that are not the rows ("log scale on both axes").
local NOT_ROWS = set [[axes axis sides side ways ends directions]]
local ARTICLES = set [[the these those my our its]]

-- "the whole period again", "the full time range", "the entire history": every date again.
local WHOLE = set [[whole entire full complete]]
local SPAN = set [[period periods range time timeline history series span years dates]]
local function whole_period(ctx)
  for i = 1, #ctx.tokens do
    if ctx:free(i) and WHOLE[ctx:w(i) or ""] and SPAN[ctx:w(i + 1) or ""] then
      local j = i + 1
      if ctx:w(i + 1) == "time" and ctx:w(i + 2) == "range" then j = i + 2 end
      if ctx:w(j + 1) == "again" then j = j + 1 end
      ctx:mark(i, j)
      if ctx:w(i - 1) == "the" then ctx:mark(i - 1) end
      local n = 0
      for _, step in ipairs(ctx.spec.transform or {}) do
        local field = step.filter and step_field(step)
        local col = field and ctx.prof and ctx.prof.by_name[field]
        if col and col.role == "time" then n = n + M.drop_filters(ctx.spec, field) end
      end
      if n == 0 then ctx:note("the chart shows every date already") end
      ctx:edit("filter")
      return true
    end
  end
  return false
end

-- "include all genres", "show all regions again", "remove the filter", "clear filters".
function M.unfilter(ctx)
  if whole_period(ctx) then return end
  -- "both cities", "all regions", "every segment" of a column the chart keeps some of: all of
  -- them, compared side by side when the chart can split. "both" and "all of them" need no
  -- column name when the chart keeps some values of just one column.
  for i, t in ipairs(ctx.tokens) do
    if ctx:free(i) and (t.w == "both" or t.w == "all" or t.w == "every") then
      local m = ctx:mention_after(i + 1, 1)
      -- ("both sexes added together": pooled, fields.slot)
      if m and vocab.pooled[ctx:w(m.j + 1) or ""] then m = nil; goto next_word end
      local field = m and ctx:open(m) and current_filter(ctx.spec, m.col.name) and ctx:take(m)
      if not field and not m then
        local k = i + 1
        while ARTICLES[ctx:w(k) or ""] do k = k + 1 end
        local nxt = ctx:w(k)
        local them = nxt == "of" and (ctx:w(k + 1) == "them" or ctx:w(k + 1) == "those")
        local plural = nxt and ctx:free(k) and not NOT_ROWS[nxt] and nxt:match("%a%as$")
        if them or plural and t.w ~= "every" or t.w == "both" and nxt == nil then
          field = kept_values_field(ctx)
          if field then ctx:mark(k, them and k + 1 or k) end
        end
      end
      if field then
        ctx:mark(i)
        M.drop_filters(ctx.spec, field)
        M.split_by_kept(ctx, field, 2, t.w == "both")
        ctx:edit("filter")
        return
      end
    end
    ::next_word::
  end
  for i, t in ipairs(ctx.tokens) do
    local hit = ctx:free(i) and ((t.w == "filter" or t.w == "filters") and (cue_before(ctx, i, NEGATE, 3)
        or ctx:w(i - 1) == "clear" or ctx:w(i - 1) == "reset"))
      or ctx:free(i) and t.w == "all" and (ctx:w(i - 1) == "include" or ctx:w(i - 1) == "show" or ctx:w(i - 1) == "back"
        or ctx:w(i - 1) == "including" or ctx:w(i + 1) == "again" or ctx:w(i - 1) == "see")
      or ctx:free(i) and t.w == "everything" and not RESTRICTS[ctx:w(i + 1) or ""]
      -- "add the others too", "bring back the rest", "show the remaining ones"
      or ctx:free(i) and (t.w == "others" or t.w == "rest" or t.w == "remaining")
        and (cue_before(ctx, i, WIDEN_WORDS, 3) or cue_before(ctx, i, { back = true, show = true, bring = true }, 3))
      or ctx:free(i) and (t.w == "nevermind" or t.w == "mind" and ctx:w(i - 1) == "never")
        and (ctx:w(i + 1) == "the" and (ctx:w(i + 2) == "filter" or ctx:w(i + 2) == "filters") or ctx:find({ all = true }, i))
    if hit then
      ctx:mark(i, i - 1)
      if t.w == "nevermind" or t.w == "mind" then
        local a = ctx:find({ all = true }, i)
        ctx:mark(i + 1, i + 2)
        if a then ctx:mark(a); i = a end
      end
      local m = ctx:mention_after(i + 1, 2)
      local field = m and ctx:open(m) and ctx:take(m) or nil
      -- "add the others too": the other values of the column the chart keeps some of, compared
      local others = not field and (t.w == "others" or t.w == "rest" or t.w == "remaining") and kept_values_field(ctx)
      if others then
        M.drop_filters(ctx.spec, others)
        M.split_by_kept(ctx, others, 2)
        ctx:edit("filter")
        return
      end
      local n = M.drop_filters(ctx.spec, field)
      if ctx:w(i + 1) == "again" then ctx:mark(i + 1) end
      if n == 0 and not field then ctx:note("the chart had no filter to remove") end
      ctx:edit("filter")
      return
    end
  end
end

-- Ranges ---------------------------------------------------------------------------

local MORE = set [[over above more greater bigger higher larger longer heavier older taller faster exceeding
  exceeds beyond after later]]
local LESS = set [[under below less fewer smaller lower shorter lighter younger newer cheaper slower before
  earlier]]
-- Comparatives that name what they compare: a column whose name has one of these words.
local ADJECTIVE_FIELD = { longer = "duration", shorter = "duration", heavier = "weight", lighter = "weight",
  older = "age", younger = "age", taller = "height", faster = "speed", slower = "speed", cheaper = "price",
  expensive = "price" }

-- The column a number after token i compares, when the request names it (named_column); else
-- the unit names it, or the adjective, or it is the chart's measure (M.ranges).
local function numeric(col) return col.type == "quantitative" end
local function range_field(ctx, at, last)
  return named_column(ctx, at, last, numeric)
end

local function column_like(ctx, word)
  if not (word and ctx.prof) then return nil end
  local syn = lex.synonyms_of(lex.stem(word))
  for _, c in ipairs(ctx.prof.columns) do
    if c.type == "quantitative" then
      for _, s in ipairs(c.content) do
        if s == word or syn[s] then return c.name end
      end
    end
  end
  return nil
end

-- "states with more than 50 airports" on a chart of counts per state, "regions averaging over
-- 20": the groups whose drawn value passes. The chart's own aggregate per group is joined to
-- each row (joinaggregate, as GROUP_VALUE) and filtered, after the row filters, before a top N.
local GROUP_VALUE = "group_value"

-- "countries with more than 10 million people": the row noun before "with" is no column to draw.
local function take_row_noun(ctx, i)
  for k = i - 1, math.max(1, i - 3), -1 do
    local w = ctx:w(k)
    if w == "with" or w == "whose" or w == "where" or w == "that" then
      local noun = ctx:mention_at(k - 1)
      if noun and ctx:open(noun) then ctx:take(noun); ctx:mark(k) end
      return
    end
  end
end
local function group_filter(ctx, dir, v, v2)
  local spec, enc = ctx.spec, ctx.spec.encoding
  local measure = enc.y and enc.y.aggregate and enc.y or enc.theta and enc.theta.aggregate and enc.theta
  local group = (spec.type == "pie" or spec.type == "donut") and enc.color or enc.x
  if not (measure and group and group.field and not group.timeUnit and not group.bin) then return false end
  local kept = json.array({})
  for _, step in ipairs(spec.transform or {}) do
    local joined = step.joinaggregate and step.joinaggregate[1] and step.joinaggregate[1].as == GROUP_VALUE
    if not joined and step_field(step) ~= GROUP_VALUE then kept[#kept + 1] = step end
  end
  local at = 1
  while kept[at] and kept[at].filter do at = at + 1 end
  local pred = { field = GROUP_VALUE }
  if dir == "between" then pred.range = json.array({ math.min(v, v2), math.max(v, v2) }) else pred[dir] = v end
  table.insert(kept, at, { joinaggregate = json.array({ { op = measure.aggregate, field = measure.field, as = GROUP_VALUE } }),
    groupby = json.array({ group.field }) })
  table.insert(kept, at + 1, { filter = pred })
  spec.transform = kept
  return true
end

function M.ranges(ctx)
  local spec = ctx.spec
  -- "days with some precipitation", "movies with any budget": more than zero
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "some" or t.w == "any" or t.w == "nonzero") and ctx:free(i) then
      local m = ctx:mention_after(i + 1, 1)
      if m and ctx.df.types[m.col.name] == "quantitative" and (ctx:w(i - 1) == "with" or t.w ~= "some" and t.w ~= "any") then
        ctx:mark(i, i - 1)
        add_filter(spec, { field = ctx:take(m), gt = 0 })
        ctx:edit("filter")
      end
    end
  end
  for i, t in ipairs(ctx.tokens) do
    local dir = t.w and ctx:free(i) and (MORE[t.w] and "gt" or LESS[t.w] and "lt")
    if t.w == "at" and (ctx:w(i + 1) == "least" or ctx:w(i + 1) == "most") then
      dir = ctx:w(i + 1) == "least" and "gte" or "lte"
    end
    if t.w == "between" and ctx:free(i) then dir = "between" end
    -- (not a band a column holds as text: "the 75+ group", "1960-74 vs 1975-79")
    local band = (t.plus or ctx.tokens[i + 1] and ctx.tokens[i + 1].dash) and in_value(ctx, i)
    -- "mag 4+", "4+ stars": at least 4
    local plus = not dir and t.plus and ctx:free(i) and not band
    -- (and only of a column named beside it: "households earning 200k+" names another column's band)
    if plus and not range_field(ctx, i, i) then plus = false end
    if plus then dir = "gte" end
    -- "from 50 to 100"
    if t.w == "from" and ctx:free(i) and tonumber(ctx:w(i + 1) or "") and ctx:w(i + 2) == "to" then dir = "between" end
    -- "prices 50-100": two numbers joined by a dash are a range on their own
    -- (two plain years so joined are a period: "revenue 2023-2024" is for M.dates)
    local dashed = not dir and not band and tonumber(t.w or "") and ctx:free(i)
      and ctx.tokens[i + 1] and ctx.tokens[i + 1].dash
      and not (M.plain_year(tonumber(t.w)) and M.plain_year(tonumber(ctx:w(i + 1)) or 0))
    if dashed then dir = "between" end
    if dir then
      local j = (dashed or plus) and i or i + 1
      while ctx:w(j) == "than" or ctx:w(j) == "least" or ctx:w(j) == "most" or ctx:w(j) == "or" and ctx:w(j + 1) == "equal"
        or ctx:w(j) == "equal" or ctx:w(j) == "to" or ctx:w(j) == "the" do
        j = j + 1
      end
      local num = numbers.read(ctx.tokens, j)
      local num2
      if num and dir == "between" then
        local a = num.j + 1
        if ctx:w(a) == "and" or ctx:w(a) == "to" then num2 = numbers.read(ctx.tokens, a + 1) end
        if ctx.tokens[a] and ctx.tokens[a].dash then num2 = numbers.read(ctx.tokens, a) end
        if not num2 then num = nil end
      end
      local last = num and (num2 or num).j
      -- a plain year is a date filter, read by M.dates
      if num and not num.unit and not num.scaled and M.plain_year(num.value) and not range_field(ctx, i, last) then
        num = nil
      end
      if num then
        local m = range_field(ctx, i, last)
        local field = m and m.col.name
        -- a unit names its column's kind ("longer than 1000 miles": a distance) before the adjective
        if not field and num.unit then field = numbers.column_for_unit(ctx.prof, num.unit) end
        if not field then field = column_like(ctx, ADJECTIVE_FIELD[t.w]) end
        if not field then field = chart_measure(ctx) end
        if not field and not num.unit and group_filter(ctx, dir, num.value, num2 and num2.value) then
          for k = i, num2 and num2.j or num.j do ctx:mark(k) end
          -- the row noun after the number ("… 50 airports") names what is counted
          local after = (num2 and num2.j or num.j) + 1
          if ctx:free(after) and not ctx:mention_at(after) then ctx:mark(after) end
          take_row_noun(ctx, i)
          ctx:edit("filter")
        elseif field and ctx.df.types[field] == "quantitative" then
          if m then ctx:take(m) end
          take_row_noun(ctx, i)
          -- "the flights longer than …": the word before the comparison names the rows, no value
          local before = ctx:w(i - 1)
          if before and ctx:free(i - 1) and not ctx:mention_at(i - 1) and not lex.stop[before]
              and not KEEP[before] and not NEGATE[before] and not tonumber(before) then
            ctx:mark(i - 1)
          end
          for k = i, last do ctx:mark(k) end
          local v, note = numbers.convert(num, field, ctx.prof)
          if note then ctx:note(note) end
          local pred
          if dir == "between" then
            local v2 = numbers.convert(num2, field, ctx.prof)
            pred = { field = field, range = json.array({ math.min(v, v2), math.max(v, v2) }) }
          else
            pred = { field = field }
            pred[dir] = v
          end
          -- "exclude the ones above 5", "no more than 3": the rows outside the range
          filter_rows(ctx, pred, negation(ctx, i))
        end
      end
    end
  end
end

-- Ages: "20-year-olds", "people aged 65", "ages 20 to 30", "over 65 years old", "the 25-29 group"
-- after an age was named: rows of the data's column of ages (a number column whose name has
-- the word age). A value the column does not hold is read as the bracket it falls in (data
-- kept by 5-year groups hold 20 for 20–24), with a note.
local AGE_BEFORE = set [[aged age ages]]
local YEARS = set [[year years yr yrs]]
local OLD = set [[old olds]]
local BRACKET = set [[group groups bracket brackets band bands cohort cohorts]]
local function age_column(ctx)
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.type == "quantitative" then
      for _, st in ipairs(c.content) do if st == "age" then return c end end
    end
  end
  return nil
end
-- The value of the column that holds age n: n itself, or the start of its bracket.
local function age_value(ctx, col, n)
  local below
  for _, v in ipairs(frame.distinct(ctx.df, col.name)) do
    if v == n then return n end
    if type(v) == "number" and v < n and (not below or v > below) then below = v end
  end
  if below then
    ctx:note(("read age %s as the group starting at %s, as %s is kept in groups"):format(
      frame.number_text(n), frame.number_text(below), col.name))
  end
  return below
end
function M.ages(ctx)
  local col = age_column(ctx)
  if not col then return end
  for i, t in ipairs(ctx.tokens) do
    local num = t.w and ctx:free(i) and numbers.read(ctx.tokens, i)
    if num and not num.unit and not num.scaled then
      local num2, last = nil, num.j
      local nxt = ctx.tokens[last + 1]
      if nxt and (nxt.dash or ctx:w(last + 1) == "to") then
        num2 = numbers.read(ctx.tokens, nxt.dash and last + 1 or last + 2)
        if num2 then last = num2.j end
      end
      local after = last
      if YEARS[ctx:w(after + 1) or ""] and OLD[ctx:w(after + 2) or ""] then after = after + 2 end
      -- "aged 65", "aged over 65", "over 65 years old"
      local first, cmp = i, nil
      local w1, w2 = ctx:w(i - 1) or "", ctx:w(i - 2) or ""
      if AGE_BEFORE[w1] then first = i - 1
      elseif (MORE[w1] or LESS[w1]) and AGE_BEFORE[w2] then first, cmp = i - 2, i - 1 end
      local named = ctx:mention_at(i - 1)
      if not (named and named.col.name == col.name) then named = ctx:mention_at(after + 1) end
      if named and named.col.name ~= col.name then named = nil end
      -- "the 25-29 group" on a chart kept to some ages already
      local grouped = BRACKET[ctx:w(after + 1) or ""] and current_filter(ctx.spec, col.name)
      if grouped then after = after + 1 end
      if not (first < i or after > last or named) then num = nil end
      if num then
        for k = first, after do ctx:mark(k) end
        if named and ctx:open(named) then ctx:take(named) end
        if named and BRACKET[ctx:w(named.j + 1) or ""] then ctx:mark(named.j + 1) end
        cmp = cmp or ctx:free(first - 1) and first - 1
        local dir = cmp and (MORE[ctx:w(cmp) or ""] and "gt" or LESS[ctx:w(cmp) or ""] and "lt")
        local pred = { field = col.name }
        local cur = current_filter(ctx.spec, col.name)
        local kept = cur and (cur.oneOf or cur.equal ~= nil and { cur.equal })
        local widen = kept and not dir and (ctx:find(WIDEN_WORDS, 1) or ctx:find(COMPARE, 1))
        if widen then
          -- "add the 25-29 group as a second line" on a chart of 20-year-olds: both, side by side
          ctx:mark(widen)
          local vals = {}
          for _, v in ipairs(kept) do vals[#vals + 1] = v end
          local lo, hi = num.value, num2 and num2.value or num.value
          for _, v in ipairs(frame.distinct(ctx.df, col.name)) do
            if type(v) == "number" and v >= math.min(lo, hi) and v <= math.max(lo, hi) then vals[#vals + 1] = v end
          end
          if #vals == #kept then vals[#vals + 1] = age_value(ctx, col, lo) end
          add_filter(ctx.spec, { field = col.name, oneOf = json.array(vals) })
          M.split_by_kept(ctx, col.name, #vals)
          ctx:edit("filter")
          return
        end
        if num2 then
          pred.range = json.array({ math.min(num.value, num2.value), math.max(num.value, num2.value) })
        elseif dir then
          ctx:mark(cmp)
          pred[dir] = num.value
        else
          local v = age_value(ctx, col, num.value)
          if v == nil then return end
          pred.equal = v
        end
        filter_rows(ctx, pred, negation(ctx, first))
        return
      end
    end
  end
end

-- Numbers compared with a column of bands written as text ("25-34" … "75+", "0-39g/day" …
-- "120+", "<5"): "55 and older", "over 60", "under 40g", "75+", "35 to 54" keep the bands that
-- lie wholly within what was said. The column: the one named beside the number, else the one
-- whose name says age for an age word ("older", "aged"), else the data's one column of bands.
local function band_of(v)
  if type(v) ~= "string" then return nil end
  local a, b = v:match("^%s*(%d+%.?%d*)%s*[%-–]%s*(%d+%.?%d*)")
  if a then return tonumber(a), tonumber(b) end
  a = v:match("^%s*(%d+%.?%d*)%s*%+")
  if a then return tonumber(a), math.huge end
  b = v:match("^%s*<%s*(%d+%.?%d*)")
  if b then return -math.huge, tonumber(b) - 1e-9 end
  return nil
end
local function band_columns(ctx)
  local out = {}
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.values and #c.values >= 2 then
      local all = true
      for _, v in ipairs(c.values) do all = all and band_of(v) ~= nil end
      if all then out[#out + 1] = c end
    end
  end
  return out
end
local AGE_WORDS = set [[older younger old young aged age ages people adults]]
local AT_LEAST = set [[least]]
function M.bands(ctx)
  local cols = band_columns(ctx)
  if #cols == 0 then return end
  for i, t in ipairs(ctx.tokens) do
    local num = t.w and ctx:free(i) and numbers.read(ctx.tokens, i)
    if num and not num.scaled then
      local lo_v, hi_v = num.value, nil
      local first, last = i, num.j
      local w_before, w_after = ctx:w(i - 1) or "", ctx:w(last + 1) or ""
      local dir
      local nxt = ctx.tokens[last + 1]
      if nxt and (nxt.dash or w_after == "to") then
        local num2 = numbers.read(ctx.tokens, nxt.dash and last + 1 or last + 2)
        if num2 then hi_v, last, dir = num2.value, num2.j, "range" end
      elseif (w_after == "and" or w_after == "or") and (MORE[ctx:w(last + 2) or ""] or LESS[ctx:w(last + 2) or ""]
          or ctx:w(last + 2) == "up" or ctx:w(last + 2) == "plus") then
        dir = LESS[ctx:w(last + 2)] and "le" or "ge"
        last = last + 2
      elseif w_after == "plus" or ctx.prompt:find("%f[%d]" .. t.w:gsub("%p", "%%%0") .. "%s*%+") then
        dir = "ge"
        if w_after == "plus" then last = last + 1 end
      elseif MORE[w_before] or AT_LEAST[w_before] then
        dir, first = "ge", i - 1
      elseif LESS[w_before] then
        dir, first = "lt", i - 1
      elseif (w_before == "than") and (MORE[ctx:w(i - 2) or ""] or LESS[ctx:w(i - 2) or ""]) then
        dir, first = MORE[ctx:w(i - 2)] and "ge" or "lt", i - 2
      end
      if dir then
        -- the column: named beside, else an age column for age words, else the one column of bands
        local col
        local m = ctx:mention_at(first - 1) or ctx:mention_at(last + 1)
        for _, c in ipairs(cols) do if m and m.col.name == c.name then col = c end end
        -- a number said as one of a column's own values ("1970-74", "75+") is that value (rows.values);
        -- beside a column of numbers it is that column's range (rows.ranges)
        local written = ctx.prompt:match("%f[%d]" .. t.w:gsub("%p", "%%%0") .. "%s*[%-–+]%s*%d*")
        local own_value = false
        for _, c in ipairs(cols) do
          for _, v in ipairs(c.values) do
            if written and v:gsub("%s", "") == written:gsub("%s", "") then own_value = true end
          end
        end
        if own_value or m and not col and m.col.type == "quantitative" then
          dir = nil
        elseif not col then
          local about_age = false
          for k = math.max(1, first - 3), math.min(#ctx.tokens, last + 2) do
            about_age = about_age or AGE_WORDS[ctx:w(k) or ""]
          end
          for _, c in ipairs(cols) do
            if about_age and c.joined:find("^age") then col = col or c end
            -- "under 40g": a unit written on the number and on the bands
            for _, v in ipairs(num.unit and c.values or {}) do
              if v:find("%d" .. num.unit .. "%f[%A]") then col = col or c end
            end
          end
          if not col and #cols == 1 then col = cols[1] end
        end
        if dir and col then
          local keep = json.array({})
          for _, v in ipairs(col.values) do
            local a, b = band_of(v)
            local ok
            if dir == "ge" then ok = a >= lo_v
            elseif dir == "le" then ok = b <= lo_v
            elseif dir == "lt" then ok = b < lo_v
            else ok = a >= math.min(lo_v, hi_v) and b <= math.max(lo_v, hi_v) end
            if ok then keep[#keep + 1] = v end
          end
          if #keep == 0 then
            ctx:note(("no %s band lies wholly in what was asked; the chart is unchanged"):format(col.name))
            for k = first, last do ctx:mark(k) end
            return
          end
          if m and m.col.name == col.name then ctx:take(m) end
          for k = first, last do ctx:mark(k) end
          for k = math.max(1, first - 2), math.min(#ctx.tokens, last + 2) do
            local w = ctx:w(k)
            if w and (AGE_WORDS[w] or BRACKET[w] or w == "at" or w == "than" or w == "years") then ctx:mark(k) end
          end
          local keep_cue = cue_before(ctx, first, KEEP)
          if keep_cue then ctx:mark(keep_cue) end
          filter_rows(ctx, { field = col.name, oneOf = keep }, negation(ctx, first))
          return
        end
      end
    end
  end
end

-- "only negative values", "negatives only", "exclude the negative delays", "non-negative",
-- "positive ones": the sign of the column named beside the word, else of the chart's measure.
-- ("negative 5" is a number: numbers.read.)
local SIGN = { negative = "lt", negatives = "lt", positive = "gt", positives = "gt" }
local FLIP = { lt = "gte", gt = "lte" }
local ROWS_WORDS = set [[values value ones numbers rows entries only]]
function M.signs(ctx)
  for i, t in ipairs(ctx.tokens) do
    local op = t.w and ctx:free(i) and SIGN[t.w]
    if op and not (ctx:w(i + 1) or ""):match("^%d") then
      local m = named_column(ctx, i, i, numeric)
      local field = m and ctx:take(m) or chart_measure(ctx)
      if not field then ctx:refuse("the chart has no column of numbers to keep the " .. t.w .. " values of"); return end
      ctx:mark(i)
      local neg = ctx:w(i - 1) == "non" and i - 1 or negation(ctx, i)
      if neg then mark_negation(ctx, neg); op = FLIP[op] end
      for k = i - 2, i + 2 do if ROWS_WORDS[ctx:w(k) or ""] or ctx:w(k) == "the" and k < i then ctx:mark(k) end end
      local keep = cue_before(ctx, i, KEEP, 3)
      if keep then ctx:mark(keep) end
      add_filter(ctx.spec, { field = field, [op] = 0 })
      ctx:edit("filter")
      return
    end
  end
end

-- A decade as written ("1990s", "90s", "'90s") → its first year.
local function decade_of(w)
  local full = w and w:match("^(%d%d%d0)s$")
  if full then return tonumber(full) end
  local short = w and w:match("^'?(%d0)s$")
  if short then local n = tonumber(short); return n >= 30 and 1900 + n or 2000 + n end
  return nil
end

-- "exclude the early departures", "only the late ones", "just the losses", "the deficits only":
-- an adjective or noun that says the sign of a kind of measure, on the data's column of that
-- kind (column_like), said with a filter cue; "early years" is a window (time.window).
local SIGN_OF = { early = { "delay", "lt" }, late = { "delay", "gt" }, loss = { "profit", "lt" },
  losses = { "profit", "lt" }, unprofitable = { "profit", "lt" }, profitable = { "profit", "gt" },
  deficit = { "balance", "lt" }, deficits = { "balance", "lt" }, surplus = { "balance", "gt" },
  surpluses = { "balance", "gt" } }
function M.signed_words(ctx)
  for i, t in ipairs(ctx.tokens) do
    local sign = t.w and ctx:free(i) and SIGN_OF[t.w]
    local nxt = ctx:w(i + 1) or ""
    if sign and not tonumber(nxt) and not decade_of(nxt) and not require("planner.when").is_time_word(nxt) then
      local neg = negation(ctx, i)
      local keep = cue_before(ctx, i, KEEP, 3) or ctx:w(i + 1) == "only" and i + 1
      local field = (neg or keep) and column_like(ctx, sign[1])
      if field then
        ctx:mark(i)
        if keep then ctx:mark(keep) end
        if ctx:w(i - 1) == "the" then ctx:mark(i - 1) end
        -- the rows' noun after it ("departures", "ones") is no column to draw
        local noun = ctx:mention_at(i + 1)
        if noun and ctx:open(noun) and noun.col.type ~= "quantitative" then
          ctx:take(noun)
        elseif ctx:free(i + 1) and not noun and not lex.stop[nxt] then
          ctx:mark(i + 1)
        end
        filter_rows(ctx, { field = field, [sign[2]] = 0 }, neg)
        return
      end
    end
  end
end

-- "west of the prime meridian", "north of 40", "south of the equator", "east of -5": a side of
-- a line of longitude or latitude, on the data's column of longitudes or latitudes.
local COMPASS = { west = { "longitude", "lt" }, east = { "longitude", "gt" }, north = { "latitude", "gt" },
  south = { "latitude", "lt" } }
local ZERO_LINES = { meridian = "longitude", greenwich = "longitude", equator = "latitude" }
local function coordinate_column(ctx, axis)
  local c = profile.coordinate(ctx.prof, axis)
  return c and c.name
end
function M.compass(ctx)
  for i, t in ipairs(ctx.tokens) do
    local side = t.w and ctx:free(i) and COMPASS[t.w]
    if side and ctx:w(i + 1) == "of" then
      local axis, op = side[1], side[2]
      local num, last = numbers.read(ctx.tokens, i + 2), nil
      if num then
        last = num.j
      else
        for k = i + 2, i + 4 do
          -- (as typed: "meridian" is no typo of "median" here)
          local said = ctx.tokens[k] and (ctx.tokens[k].typo or ctx.tokens[k].w)
          if not last and ZERO_LINES[said or ""] == axis then num, last = { value = 0 }, k end
        end
      end
      local field = num and coordinate_column(ctx, axis)
      if field then
        for k = i, last do ctx:mark(k) end
        local keep = cue_before(ctx, i, KEEP, 3)
        if keep then ctx:mark(keep) end
        filter_rows(ctx, { field = field, [op] = num.value }, negation(ctx, i))
        return
      end
    end
  end
end

-- Dates -------------------------------------------------------------------------------

-- The column a year filter (tokens at..last) applies to → name, whether it holds dates: the one
-- named beside it (named_column), else the chart's dates, else the data's first dates or years.
-- (A column of years serves before other dates when the chart has none: a split by the years
-- kept — "2008 and 2009, as small multiples" — needs the years themselves.)
local function dated(col) return col.years or col.type == "temporal" end
local function time_field(ctx, at, last)
  local m = at and named_column(ctx, at, last, dated)
  if m then return ctx:take(m), m.col.type == "temporal" end
  local enc = ctx.spec.encoding
  -- a dated column kept to one year off the chart ("the 1995 budget"): "same but for 2005" moves it
  for _, step in ipairs(ctx.spec.transform or {}) do
    local f = step.filter
    local c = type(f) == "table" and f.field and ctx.prof and ctx.prof.by_name[f.field]
    if c and dated(c) and (f.equal ~= nil or f.oneOf) and not on_chart(ctx.spec, f.field) then
      return f.field, c.type == "temporal"
    end
  end
  for _, ch in ipairs { "x", "color", "column", "y" } do
    local e = enc[ch]
    if e and e.field and ctx.df.types[e.field] == "temporal" then return e.field, true end
    if e and e.field and ctx.prof and ctx.prof.by_name[e.field] and ctx.prof.by_name[e.field].years then
      return e.field, false
    end
  end
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.role == "time" and c.years then return c.name, false end
  end
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.role == "time" and c.type == "temporal" then return c.name, true end
  end
  return nil
end
M.time_field = time_field

local function is_year(ctx, i)
  local w = ctx:w(i)
  local n = w and w:match("^%d%d%d%d$") and tonumber(w)
  return n and M.plain_year(n) and n or nil
end

-- "only 2014", "since 1980", "from 2000 on", "2010 to 2015", "1965, 1985 and 2005", "before 1990".
function M.dates(ctx)
  local years, idx = {}, {}
  for i in ipairs(ctx.tokens) do
    local y = ctx:free(i) and not in_value(ctx, i) and is_year(ctx, i)
    if y then years[#years + 1] = y; idx[#idx + 1] = i end
  end
  if #years == 0 then return end
  local first, last = idx[1], idx[#idx]
  local field, temporal = time_field(ctx, first, last)
  if not field then
    ctx:refuse("the data has no dates or years to keep " .. table.concat(years, ", ") .. " of")
    for _, i in ipairs(idx) do ctx:mark(i) end
    return
  end
  local before = ctx:w(first - 1)
  local after = ctx:w(last + 1)
  -- "earlier than 1970", "later than 2015": before and after
  local than = before == "than" and ({ earlier = "before", older = "before", sooner = "before", later = "after",
    newer = "after" })[ctx:w(first - 2) or ""]
  if than then
    ctx:mark(first - 1, first - 2)
    before = than
  end
  local pred = { field = field }
  if temporal then pred.timeUnit = "year" end
  local lo, hi
  if #years == 2 and (ctx:w(first + 1) == "to" or ctx:w(first + 1) == "through" or ctx:w(first + 1) == "until"
      or ctx:w(first + 1) == "and" and before == "between" or ctx:w(first + 1) == "till" or last == first + 1
      or before == "from" and ctx:w(first + 1) == "to") then
    lo, hi = math.min(years[1], years[2]), math.max(years[1], years[2])
    pred.range = json.array({ lo, hi })
    ctx:mark(first + 1)
  elseif #years == 1 and (before == "since" or before == "after" and false or after == "on" or after == "onwards"
      or after == "onward" or after == "and" and (ctx:w(last + 2) == "later" or ctx:w(last + 2) == "after")
      or before == "from" and not after or before == "starting" or (before == "in" and ctx:w(first - 2) == "starting")) then
    pred.gte = years[1]
    if after == "on" or after == "onwards" or after == "onward" then ctx:mark(last + 1) end
    if after == "and" then ctx:mark(last + 1, last + 2) end
  elseif #years == 1 and before == "after" then
    pred.gt = years[1]
  elseif #years == 1 and (before == "before" or before == "until" or before == "till" or before == "through"
      or before == "up" and false) then
    pred[before == "before" and "lt" or "lte"] = years[1]
  elseif #years == 1 and (before == "last" or after == "and" and ctx:w(last + 2) == "earlier") then
    pred.lte = years[1]
  elseif #years == 1 then
    pred.equal = years[1]
  else
    pred.oneOf = json.array(years)
  end
  -- "exclude the forecasts after 2015", "leave out 2010": the other years
  local neg = negation(ctx, first)
  -- "add 2005", "2010 too", "compare with 2005": the years join those the chart keeps already
  local cur = current_filter(ctx.spec, field)
  local widen = not neg and (ctx:find(WIDEN_WORDS, 1)
    or cur and (cur.equal or cur.oneOf) and not ctx.spec.encoding.color and ctx:find(COMPARE, 1))
  if widen and cur and (pred.equal or pred.oneOf) and (cur.equal or cur.oneOf) then
    ctx:mark(widen)
    local all = {}
    for _, y in ipairs(cur.oneOf or { cur.equal }) do all[#all + 1] = y end
    for _, y in ipairs(pred.oneOf or { pred.equal }) do all[#all + 1] = y end
    pred.equal, pred.oneOf = nil, json.array(all)
    years = all
  end
  for _, i in ipairs(idx) do ctx:mark(i) end
  -- "only 2008 models", "the 1999 cars": a plural right after the years names the rows kept
  local noun = ctx:mention_at(last + 1)
  if noun and noun.i == last + 1 and (ctx:w(last + 1) or ""):match("%as$") and ctx:open(noun)
      and ctx.df.types[noun.col.name] ~= "quantitative" then
    ctx:take(noun)
  end
  for _, w in ipairs { before, ctx:w(first - 2) } do
    local k = w == before and first - 1 or first - 2
    if w and (w == "since" or w == "after" or w == "before" or w == "until" or w == "from" or w == "in" or w == "only"
        or w == "just" or w == "for" or w == "between" or w == "year" or w == "years" or w == "the" or w == "starting"
        or w == "of" or w == "till" or w == "through") then
      ctx:mark(k)
    end
  end
  -- years set against each other ("1931 vs 1932"), or every year the column has named ("in 1931
  -- and 1932" of a two-year trial: a filter keeping all rows), are named to be seen apart
  local apart = false
  for k = first, last do
    local w = ctx:w(k)
    if w == "vs" or w == "versus" then apart = true end
    if w == "and" or w == "vs" or w == "versus" or w == "or" then ctx:mark(k) end
  end
  if pred.oneOf and not apart then
    local named = {}
    for _, y in ipairs(years) do named[y] = true end
    apart = true
    for _, v in ipairs(require("data.frame").distinct(ctx.df, field)) do apart = apart and named[v] == true end
  end
  filter_rows(ctx, pred, neg)
  if pred.oneOf and not temporal and not neg then M.split_by_kept(ctx, field, #years, apart) end
end

-- Decades: "only the 90s", "the 2010s", "1980s to 2000s", "leave out the 1970s" — a range of years.
function M.decades(ctx)
  local found, idx = {}, {}
  for i in ipairs(ctx.tokens) do
    local d = ctx:free(i) and decade_of(ctx:w(i))
    if d then found[#found + 1] = d; idx[#idx + 1] = i end
  end
  if #found == 0 then return end
  local field, temporal = time_field(ctx)
  if not field then return end
  local lo, hi = math.min(table.unpack(found)), math.max(table.unpack(found)) + 9
  local pred = { field = field, range = json.array({ lo, hi }) }
  if temporal then pred.timeUnit = "year" end
  local neg = cue_before(ctx, idx[1], NEGATE, 3)
  for _, i in ipairs(idx) do ctx:mark(i) end
  for k = math.max(1, idx[1] - 3), idx[#idx] + 1 do
    local w = ctx:w(k)
    if w and ctx:free(k) and (k == neg or KEEP[w] or w == "the" or w == "to" or w == "through" or w == "and"
        or w == "in" or w == "during" or w == "from") then ctx:mark(k) end
  end
  add_filter(ctx.spec, neg and { ["not"] = pred } or pred)
  ctx:edit("filter")
end

-- Months and seasons of dated data: "only March", "from March to June", "summer months only",
-- "leave out December". A filter on the month of the year (timeUnit month, 1 = January), beside
-- any filter on years.
local MONTHS = require("planner.when").MONTHS
local SEASONS = { summer = { 6, 7, 8 }, winter = { 12, 1, 2 }, spring = { 3, 4, 5 }, autumn = { 9, 10, 11 },
  fall = { 9, 10, 11 } }
local MONTH_BRIDGE = set [[only just in the of for during months month season seasons and or to through
  until till]]
-- A column numbering the months of the year (Month 5..9): the profile's time index named month.
local function month_numbers(ctx)
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.role == "time" and c.integers and c.min and c.min >= 1 and c.max <= 12
        and (c.head == "month" or c.head == "mon" or c.head == "mo") then
      return c.name
    end
  end
  return nil
end

function M.months(ctx)
  local found, idx = {}, {}
  for i, t in ipairs(ctx.tokens) do
    local w = t.w
    if w and ctx:free(i) and not ctx:mention_at(i) then
      local prev, nxt = ctx:w(i - 1) or "", ctx:w(i + 1) or ""
      local cued = MONTH_BRIDGE[prev] or MONTH_BRIDGE[nxt] or KEEP[prev] or NEGATE[prev] or nxt == ""
      -- "may" and "fall" are verbs unless a cue makes them the month / the season
      if MONTHS[w] and (#w > 3 or w == "may") and (w ~= "may" or cued) then
        found[#found + 1] = { MONTHS[w] }; idx[#idx + 1] = i
      elseif SEASONS[w] and (w ~= "fall" or cued) then
        found[#found + 1] = SEASONS[w]; idx[#idx + 1] = i
      end
    end
  end
  if #found == 0 then return end
  local field, temporal = time_field(ctx)
  local numbered = not temporal and month_numbers(ctx)
  if numbered then field = numbered elseif not (field and temporal) then return end
  local months, seen = {}, {}
  local function add(m) if not seen[m] then seen[m] = true; months[#months + 1] = m end end
  local a, b = idx[1], idx[2]
  local sep = b and ctx:w(a + 1)
  if #found == 2 and #found[1] == 1 and #found[2] == 1 and b == a + 2
      and (sep == "to" or sep == "through" or sep == "until" or sep == "till" or sep == "and" and ctx:w(a - 1) == "between") then
    -- a span of months, wrapping over the new year ("November to February")
    local m = found[1][1]
    while true do
      add(m)
      if m == found[2][1] then break end
      m = m % 12 + 1
    end
  else
    for _, list in ipairs(found) do for _, m in ipairs(list) do add(m) end end
  end
  for _, i in ipairs(idx) do ctx:mark(i) end
  local neg = cue_before(ctx, idx[1], NEGATE, 4)
  for k = math.max(1, idx[1] - 3), idx[#idx] + 2 do
    local w = ctx:w(k)
    if w and (MONTH_BRIDGE[w] or k == neg or KEEP[w] and k < idx[1]) and ctx:free(k) then ctx:mark(k) end
  end
  -- Vega-Lite DateTime objects (month 1 = January) say "a month of the year" unambiguously
  local list = json.array({})
  for k, m in ipairs(months) do list[k] = numbered and m or { month = m } end
  local pred = { field = field, timeUnit = (not numbered) and "month" or nil, oneOf = list }
  if numbered then
    local c = ctx.prof.by_name[field]
    local held = {}
    for _, m in ipairs(months) do if m >= c.min and m <= c.max then held[#held + 1] = m end end
    if #held == 0 then
      ctx:note(("%s holds months %d to %d only, so the chart is unchanged"):format(field, c.min, c.max))
      return
    end
  end
  if neg then pred = { ["not"] = pred } end
  -- replaces a filter on the months, not one on the years of the same dates
  local kept = json.array({})
  for _, step in ipairs(ctx.spec.transform or {}) do
    local f = step.filter
    local inner = type(f) == "table" and (f["not"] or f)
    if not (type(inner) == "table" and inner.field == field and (inner.timeUnit == "month" or numbered)) then
      kept[#kept + 1] = step
    end
  end
  table.insert(kept, 1, { filter = pred })
  ctx.spec.transform = kept
  ctx:edit("filter")
end

-- "day 21", "week 3", "visit 2", "days 10 to 21": a point of a time index column (a Day 1..31
-- column, or a Time column counted in days) is a filter on that value, not the column on an axis.
local POINT_WORDS = set [[day days week weeks hour hours month months visit visits wave waves round rounds
  time timepoint step steps quarter quarters]]
local GENERIC_TIME = set [[time timepoint step]]
local function time_index_column(ctx, w)
  local stem, generic = lex.stem(w), nil
  for _, c in ipairs(ctx.prof and ctx.prof.columns or {}) do
    if c.role == "time" and c.integers and not c.years then
      if c.head == stem then return c end
      if GENERIC_TIME[c.head] then generic = generic or c end
    end
  end
  return generic
end

function M.time_points(ctx)
  for i, t in ipairs(ctx.tokens) do
    local a = t.w and POINT_WORDS[t.w] and ctx:free(i) and numbers.read(ctx.tokens, i + 1)
    local c = a and not a.unit and not a.scaled and time_index_column(ctx, t.w)
    if c and a.value >= c.min and a.value <= c.max then
      local b, last = nil, a.j
      local sep = ctx:w(a.j + 1)
      if sep == "to" or sep == "through" or sep == "until" or sep == "till" or sep == "and" then
        b = numbers.read(ctx.tokens, a.j + 2)
        if b and (b.unit or b.value < a.value or b.value > c.max) then b = nil end
        if b then last = b.j end
      elseif ctx.tokens[a.j + 1] and ctx.tokens[a.j + 1].dash then
        b = numbers.read(ctx.tokens, a.j + 1)
        if b and b.value >= a.value and b.value <= c.max then last = b.j else b = nil end
      end
      local m = ctx:mention_at(i)
      if m then ctx:take(m) end
      local keep = cue_before(ctx, i, KEEP)
      if keep then ctx:mark(keep) end
      for k = i, last do ctx:mark(k) end
      local pred
      if b and sep ~= "and" then
        pred = { field = c.name, range = json.array({ a.value, b.value }) }
      else
        pred = { field = c.name, oneOf = json.array(b and { a.value, b.value } or { a.value }) }
      end
      filter_rows(ctx, pred, negation(ctx, i))
      return
    end
  end
end

-- "only wool A", "tension H only", "only the 2 mg dose", "exclude dose 0.5": a column named beside
-- one of its own values — a short code the value matcher leaves alone, or a number of a column of
-- few numbers — with a filter cue, is a filter on that value (not the column on an axis).
local FEW_NUMBERS = 12
-- The value of col said at token k → value, first and last token of it ("2 mg" before "dose":
-- the number and its unit), or nil. before: the value stands before the column.
local function own_value(ctx, col, k, before)
  local t = ctx.tokens[k]
  if not (t and t.w) or ctx.used[k] then return nil end
  for _, v in ipairs(frame.distinct(ctx.df, col.name)) do
    if type(v) == "string" and #v <= 3 and v:lower() == t.w then return v, k, k end
  end
  if col.type ~= "quantitative" or (col.distinct or 99) > FEW_NUMBERS then return nil end
  local num, first = numbers.read(ctx.tokens, k), k
  -- "the 2 mg dose", "the 2 units dose": a number and a unit word end just before the column
  if before and not num then
    num, first = numbers.read(ctx.tokens, k - 1), k - 1
    if not (num and (num.j == k or t.w:match("^%a+$") and not lex.stop[t.w])) then return nil end
  end
  if not num or num.scaled then return nil end
  for _, v in ipairs(frame.distinct(ctx.df, col.name)) do
    if v == num.value then return v, first, math.max(num.j, before and k or num.j) end
  end
  return nil
end
function M.named_values(ctx)
  for _, m in ipairs(ctx.mentions) do
    local col = ctx.prof and ctx.prof.by_name[m.col.name]
    if col and ctx:open(m) then
      local first = m.i
      local v, _, last = own_value(ctx, col, m.j + 1)
      -- (a letter after a name may have been read as part of it: "fenvor l")
      if v == nil and m.j > m.i and type(own_value(ctx, col, m.j)) == "string" then
        v, _, last = own_value(ctx, col, m.j)
      end
      if v == nil then
        v, first = own_value(ctx, col, m.i - 1, true)
        last = m.j
      end
      local keep = v ~= nil and cue_before(ctx, first, KEEP, 3)
      local neg = v ~= nil and negation(ctx, first, 3)
      local after = ctx:w(last + 1)
      if v ~= nil and (keep or neg or after == "only" or after == "alone") then
        ctx:take(m)
        for k = first, last do ctx:mark(k) end
        if keep then ctx:mark(keep) end
        if after == "only" or after == "alone" then ctx:mark(last + 1) end
        if ctx:w(first - 1) == "the" then ctx:mark(first - 1) end
        filter_rows(ctx, { field = col.name, oneOf = json.array({ v }) }, neg)
        return
      end
    end
  end
end

-- Top / bottom N -----------------------------------------------------------------------

local TOP = set [[top best highest largest biggest most first leading greatest limit]]
local BOTTOM = set [[bottom worst lowest smallest least last fewest]]

-- "top 10", "the 5 worst", "bottom 3", "10 biggest", "only the top fifteen".
function M.top(ctx)
  for i, t in ipairs(ctx.tokens) do
    if ctx:free(i) and t.w and (TOP[t.w] or BOTTOM[t.w]) then
      -- "(go back to) the last one": the chart before, not a count
      local after = not (t.w == "last" and ctx:w(i + 1) == "one" and ctx:w(i - 1) == "the") and numbers.count(ctx:w(i + 1))
      -- "limit to 3", "limit it to 5 bars"
      if t.w == "limit" then
        local k = i + 1
        if ctx:w(k) == "it" or ctx:w(k) == "them" then k = k + 1 end
        after = ctx:w(k) == "to" and numbers.count(ctx:w(k + 1))
        if after then ctx:mark(k, k + 1) end
      end
      local n = after or t.w ~= "limit" and numbers.count(ctx:w(i - 1))
        or (ctx:w(i - 1) == "the" and numbers.count(ctx:w(i - 2)))
      -- "the 5 worst": the number before; "top 10": after
      if n and n >= 1 and n <= 1000 then
        local spec, enc = ctx.spec, ctx.spec.encoding
        local gch = (spec.type == "pie" or spec.type == "donut") and "color" or "x"
        local g = enc[gch]
        local mch = enc.theta and "theta" or enc.y and enc.y.type == "quantitative" and "y" or nil
        if spec.type == "heatmap" then mch = "color" end
        if not (g and g.field) or g.type == "quantitative" and g.bin then
          ctx:note("this chart has no categories to keep the top of")
          ctx:mark(i)
          return
        end
        ctx:mark(i)
        for _, k in ipairs { i - 1, i + 1, i - 2, i + 2 } do
          local w = ctx:w(k)
          if w and (numbers.count(w) or w == "the" or w == "only" or w == "just") then ctx:mark(k) end
        end
        local bottom = BOTTOM[t.w] ~= nil
        local m = enc[mch or ""]
        local step = { top = n, groupby = json.array({ g.field }),
          order = bottom and "ascending" or "descending" }
        if m and m.field then
          step.field, step.op = m.field, m.aggregate or "sum"
        else
          step.op = "count"
        end
        -- one top step per chart: a new one replaces the old
        local list = steps(spec)
        for k = #list, 1, -1 do if list[k].top then table.remove(list, k) end end
        list[#list + 1] = step
        if gch == "color" and enc.theta then
          enc.theta.sort = bottom and "ascending" or "descending"
        elseif g.type ~= "temporal" and (spec.type == "bar" or spec.type == "lollipop") then
          g.sort = bottom and "y" or "-y"
        end
        ctx:edit("top")
        return
      end
    end
  end
end

-- "make it 15", "show 20 instead": a new count for the chart's top-n.
function M.top_count(ctx)
  local step
  for _, st in ipairs(ctx.spec.transform or {}) do if st.top then step = st end end
  if not step then return end
  for i, t in ipairs(ctx.tokens) do
    local n = ctx:free(i) and numbers.count(t.w)
    if n and n >= 1 and n <= 1000 and #ctx:free_mentions() == 0 then
      ctx:mark(i)
      step.top = n
      ctx:edit("top")
      return
    end
  end
end

-- Sorting ----------------------------------------------------------------------------

local ASC = set [[ascending asc increasing smallest lowest least low bottom]]
local DESC = set [[descending desc decreasing largest highest biggest most high top]]
local ONES = set [[ones values bars groups items]]
function M.sort(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    local w = t.w
    local cue = ctx:free(i) and (w == "sort" or w == "sorted" or w == "order" or w == "ordered" or w == "rank"
      or w == "ranked" or w == "arrange" or w == "descending" or w == "ascending" or w == "desc" or w == "asc"
      or w == "alphabetical" or w == "alphabetically" or w == "alphabetic" or w == "decreasing" or w == "increasing"
      or (w == "high" or w == "highest" or w == "largest" or w == "biggest" or w == "low" or w == "lowest"
        or w == "smallest") and (ctx:w(i + 1) == "to" or ctx:w(i + 1) == "first")
      -- "top ones first", "largest values first", "bottom ones first"
      or (DESC[w] or ASC[w] or w == "top" or w == "bottom") and ONES[ctx:w(i + 1) or ""] and ctx:w(i + 2) == "first"
      -- "a-z", "a to z", "z-a", "abc order": the letters alone say by name
      or w == "abc" or (w == "a" and ctx:w(i + 1) == "z" or w == "a" and ctx:w(i + 1) == "to" and ctx:w(i + 2) == "z"
        or w == "z" and (ctx:w(i + 1) == "a" or ctx:w(i + 1) == "to" and ctx:w(i + 2) == "a")))
    -- "colour by order", "by rank": a column of that name after a group word
    if cue and (ctx:w(i - 1) == "by" or ctx:w(i - 1) == "per") and ctx:mention_at(i) then cue = false end
    if cue then
      local order
      local by_name = false
      for k = i, math.min(#ctx.tokens, i + 5) do
        local x = ctx:w(k)
        if x and (DESC[x] or ASC[x] or x == "alphabetical" or x == "alphabetically" or x == "alphabetic" or x == "name"
            or x == "names"
            or x == "label" or x == "labels" or x == "a" and ctx:w(k + 1) == "z" or x == "by" or x == "to"
            or x == "first" or x == "value" or x == "values" or x == "size" or x == "the" or x == "in" or x == "it"
            or x == "them" or x == "order" or x == "sorted" or x == "sort" or x == "z" or x == "abc" or ONES[x]) then
          if k == i or not ctx:mention_at(k) then ctx:mark(k) end
          if not order and DESC[x] then order = "desc" end
          if not order and ASC[x] then order = "asc" end
          if x == "alphabetical" or x == "alphabetically" or x == "alphabetic" or x == "name" or x == "names" or x == "a"
              or x == "label" or x == "labels" or x == "z" or x == "abc" then
            by_name = true
          end
          -- "z-a", "z to a": by name, backwards
          if x == "z" and k > i and ctx:w(k - 1) ~= "a" and ctx:w(k - 2) ~= "a" or x == "z" and k == i then order = "desc" end
        elseif k > i then
          break
        end
      end
      -- "sort by sales": the measure named after
      local m = ctx:mention_after(i + 1, 3)
      if m and ctx:open(m) then ctx:take(m) end
      local gch = (spec.type == "pie" or spec.type == "donut") and "color" or "x"
      local g = spec.encoding[gch]
      -- "sort by region" on a chart of regions: by their names
      if m and g and m.col.name == g.field then by_name = true end
      if spec.type == "scatter" or not g then
        ctx:note("a " .. spec.type .. " chart has no categories to sort")
        return
      end
      if g.type == "temporal" or (ctx.prof and ctx.prof.by_name[g.field] and ctx.prof.by_name[g.field].role == "time") then
        ctx:note("the x axis is time, so it stays in time order; sorting applies to categories")
        return
      end
      if by_name then
        g.sort = order == "desc" and "descending" or "ascending"
      elseif gch == "color" and spec.encoding.theta then
        spec.encoding.theta.sort = order == "asc" and "ascending" or "descending" -- slices by size
      else
        g.sort = (order == "asc") and "y" or "-y"
      end
      ctx:edit("sort")
      return
    end
  end
end

return M
