-- Follow-ups: reads a request typed after a chart ("make it a line chart", "only Europe",
-- "colour by segment", "top 5", "use median instead", "gridlines off", "undo") against that
-- chart and its data, and says what it is:
--   edit     the rules changed the chart (spec, edits = {names}, notes)
--   style    a styling request the rules acknowledge but cannot apply (notes; chart unchanged)
--   new      a request that names a chart of its own: plan it afresh, then carry() the context
--   undo     go back to the chart before
--   unclear  nothing here can be read as a change (message, suggestions)
-- The rules live in lua/planner/edits/, one file per kind of change; this file runs them in
-- order and judges what they left unexplained.
local chart = require "planner.edits.chart"
local context = require "planner.edits.context"
local fields = require "planner.edits.fields"
local lex = require "planner.lexicon"
local profile = require "planner.profile"
local rows = require "planner.edits.rows"
local style = require "planner.edits.style"
local time = require "planner.edits.time"
local vocab = require "planner.edits.vocab"
local asides = require "planner.asides"
local copy = require("util.tables").deep_copy

local M = {}

-- In order (titles ran first: their words are hidden from the rest): the chart type before what
-- depends on it, rows before the columns left over are slotted in, stacking last.
M.RULES = {
  style.some_marks_coloured, style.axis_range, style.number_format, style.panel_scales, chart.reversed_axis,
  chart.type, fields.axes,
  chart.swap, fields.uncolor, fields.split, fields.size, fields.swap_word,
  rows.time_points, rows.named_values, rows.named_group, rows.missing, rows.zeros, rows.none_values, rows.unfilter,
  rows.bands,
  rows.ages, rows.ranges, rows.signs, rows.signed_words, rows.compass, rows.dates, rows.decades,
  rows.months, time.window, rows.flags, rows.coded_values, rows.values, time.granularity,
  chart.percent, fields.aggregate, chart.stacking, chart.orientation, chart.trend, chart.labels,
  rows.top, rows.sort, style.theme, style.point_size, style.size, style.format, style.log, style.bins,
  style.grid, style.markers, style.line_width, style.scheme, style.mark_color, style.transparency, style.font_size,
  style.font, style.legend, style.label_angle,
}
-- After them, once the request is known to be an edit: columns named without a cue, stacking.
M.LAST = { rows.loose_values, fields.unnamed_group, fields.slot, rows.top_count, chart.apply_stacking,
  rows.one_series_left }
-- The rules that pick rows (a new request keeps what they read: "… for 2016", "top 10").
M.ROW_RULES = { rows.time_points, rows.named_values, rows.named_group, rows.missing, rows.zeros, rows.none_values,
  rows.bands,
  rows.ages, rows.ranges, rows.signs, rows.signed_words, rows.compass, rows.dates, rows.decades,
  rows.months, time.window, rows.flags, rows.coded_values, rows.values, rows.first_turn_loose_values, rows.top,
  rows.sort }

-- Things that can be said, for an unclear follow-up: general ones and some with the data's columns.
function M.suggestions(spec, df)
  local out = { "make it a line chart", "swap axes", "sort descending", "top 5 only", "undo" }
  if df then
    local cat, num
    for _, n in ipairs(df.names) do
      local t = df.types[n]
      if not cat and (t == "nominal" or t == "ordinal") then cat = n end
      if not num and t == "quantitative" and not (spec.encoding.y and spec.encoding.y.field == n) then num = n end
    end
    if cat then table.insert(out, 1, "colour by " .. cat) end
    if num then table.insert(out, 2, "show average " .. num .. " instead") end
    if cat then
      local v = require("data.frame").distinct(df, cat)[1]
      if v ~= nil then table.insert(out, 3, "only " .. tostring(v)) end
    end
  end
  return out
end

local UNDO = { undo = true, revert = true, previous = true, restore = true, undone = true, cancel = true }
-- "put it back", "change that back", "switch things back", "add it back", "put the colour back"
local BACK_VERBS = { put = true, change = true, switch = true, turn = true, bring = true, set = true, make = true,
  take = true, add = true }

local function wants_undo(ctx)
  for i, t in ipairs(ctx.tokens) do
    local w = t.w
    local it = ctx:w(i - 1) == "it" or ctx:w(i - 1) == "that" or ctx:w(i - 1) == "things" or ctx:w(i - 1) == "them"
      or ctx:w(i - 2) == "the" and BACK_VERBS[ctx:w(i - 3) or ""] and "the"
    if w and (UNDO[w] or w == "back" and (ctx:w(i - 1) == "go" or ctx:w(i + 1) == "to" or ctx:w(i - 1) == "put"
        or it == "the" or it and BACK_VERBS[ctx:w(i - 2) or ""] or ctx:w(i - 1) == "step")) then
      return true
    end
  end
  return false
end

-- "add it back", "put the colours back", "bring them back please": a removal undone, whatever
-- else the words could name (the rules would read "colours" as a new split)
local function puts_back(ctx)
  for i, t in ipairs(ctx.tokens) do
    local after = ctx.tokens[i + 1]
    local ends = after == nil or after.p or after.w == "please" or after.w == "again" or after.w == "in"
    if t.w == "back" and ends then
      for k = i - 1, math.max(1, i - 4), -1 do
        if BACK_VERBS[ctx:w(k) or ""] and ctx:w(k) ~= "go" then return true end
        if not ctx:w(k) then break end
      end
    end
  end
  return false
end

local function wants_fresh(ctx)
  local p = ctx.prompt:lower()
  return p:find("%f[%a]scratch that") or p:find("%f[%a]start over") or p:find("%f[%a]start again")
    or p:find("%f[%a]new one%f[%A]") or p:find("%f[%a]new chart%f[%A]") or p:find("%f[%a]new question")
    or p:find("%f[%a]different question") or p:find("%f[%a]different chart") or p:find("%f[%a]forget that")
    or p:find("%f[%a]forget it%f[%A]") or p:find("%f[%a]another chart") or p:find("%f[%a]something different")
    or p:find("%f[%a]something else")
end

-- Unexplained content words: not marked by a rule, not stop words or filler, not column words.
local function leftovers(ctx)
  local out = {}
  for i, t in ipairs(ctx.tokens) do
    -- ("… as well": "well" says "too")
    local as_well = t.w == "well" and ctx:w(i - 1) == "as"
    if t.w and not ctx.used[i] and not lex.stop[t.w] and not vocab.filler[t.w] and not ctx:mention_at(i)
        and not tonumber(t.w) and not as_well then
      out[#out + 1] = t.typo or t.w
    end
  end
  return out
end

-- Whether the words left over are all about looks: styling words, colours, or anything in a
-- request that likens the look to something ("make it look like the economist style").
local LIKENESS = vocab.set [[style styled look looks aesthetic vibe feel]]
local function styling_only(words, ctx)
  local likened = false
  for _, t in ipairs(ctx and ctx.tokens or {}) do likened = likened or LIKENESS[t.w or ""] ~= nil end
  for _, w in ipairs(words) do
    if not (vocab.styling[w] or likened or require("layout.color").named(w)) then return false end
  end
  return #words > 0
end

-- Words that make the column after them part of an edit ("colour by X", "X on the x axis",
-- "instead of X", "only X"), not a column of a chart named afresh.
local CUES = {}
for _, list in ipairs { fields.COLOR_CUES, fields.FACET_CUES } do for w in pairs(list) do CUES[w] = true end end
for w in ([[legend x y axis group grouped groups instead than only just exclude without except sort sorted
  swap switch put include excluding drop remove filter all every size sized]]):gmatch("%S+") do CUES[w] = true end
local SKIP = { by = true, the = true, to = true, it = true, per = true, ["for"] = true, each = true, of = true,
  ["in"] = true, a = true, its = true, their = true, ["="] = true, down = true, out = true, up = true, charts = true,
  chart = true, plots = true, plot = true, panels = true, panel = true, graphs = true, own = true, little = true }

local function cued(ctx, m, prev_cued)
  -- "not the money spent": a column said to be wrong is an edit of the chart ("not Y, X")
  for k = m.i - 1, math.max(1, m.i - 3), -1 do
    if ctx:w(k) == "not" then return true end
    if not ctx:w(k) then break end
  end
  local k, steps = m.i - 1, 0
  while k >= 1 and steps < 3 do
    local w = ctx:w(k)
    if not w then break end
    if CUES[w] then return true end
    if w == "and" and prev_cued then return true end
    if not SKIP[w] and w ~= "and" and not w:match("'s?$") then break end
    k, steps = k - 1, steps + 1
  end
  local n1, n2 = ctx:w(m.j + 1), ctx:w(m.j + 2)
  if n1 == "axis" or n1 == "legend" or n1 == "on" and (n2 == "x" or n2 == "y" or n2 == "the") or n1 == "as" and n2 == "colour" then
    return true
  end
  return false
end

-- A chart of one value per row (x the column naming each row, no aggregate) moved to an x whose
-- values repeat ("by region instead" after "income by state"): each group's value is now an aggregate.
local function regrouped(ctx, base)
  local enc, was = ctx.spec.encoding, base.encoding
  local y, prof = enc.y, ctx.prof
  if not (y and y.field and not y.aggregate and enc.x and enc.x.field and was.x and was.x.field ~= enc.x.field
      and prof and prof.key and prof.key.name == was.x.field and prof.by_name[y.field]) then return end
  local t = ctx.spec.type
  if t == "bar" or t == "line" or t == "area" then y.aggregate = profile.default_agg(prof.by_name[y.field]) end
end

-- Whether the columns a request names with no edit cue make a chart of their own: two or more
-- of them ("plot Year by AVG Horsepower").
local function names_a_chart(ctx)
  local on = {}
  for _, ch in pairs(ctx.spec.encoding or {}) do
    if type(ch) == "table" and ch.field then on[ch.field] = true end
  end
  local p = ctx.prompt:lower()
  if p:find("instead of") or p:find("rather than") or p:find("in place of") then return false, 0 end
  local seen, distinct, new, prev = {}, 0, 0, false
  for _, m in ipairs(ctx.mentions) do
    prev = cued(ctx, m, prev) or not ctx:open(m)
    -- weak readings (a synonym, an id column) do not make a chart on their own
    if not prev and not seen[m.col.name] and m.score >= 0.45 and m.col.role ~= "id" and not fields.about_drawn(ctx, m) then
      seen[m.col.name] = true
      distinct = distinct + 1
      if not on[m.col.name] then new = new + 1 end
    end
  end
  -- two or more columns restate a chart, new or the same one: plan it (the LLM's job when there is one)
  return distinct >= 2, distinct
end

-- An edit whose chart the renderer would refuse ("colour by name" over 1,500 names, a facet on a
-- chart without panels) is refused here in the validator's words, the chart before kept.
local function valid(spec, df)
  local data = spec.data
  spec.data = df
  local ok, errs = require("chartspec.validate").spec(spec)
  spec.data = data
  return ok, errs
end
local function invalid_edit(ctx, base, df)
  local ok, errs = valid(ctx.spec, df)
  -- (a chart that was not drawable before is not this edit's doing)
  if not ok and errs and errs[1] and valid(copy(base), df) then
    ctx:refuse("that change would make a chart chartd cannot draw: " .. errs[1].message)
    ctx.edits = {}
  end
end

-- interpret(prompt, base, df, opts) → result (see the top of this file). base: the chart's spec
-- (no data); df: its data frame (or nil); opts.vague: base was chosen for a vague request,
-- opts.stated: the columns the request(s) behind base named; opts.synthetic: base's data was invented;
-- opts.said_agg: an aggregate said before while rows were counted, for the measure named now.
function M.interpret(prompt, base, df, opts)
  opts = opts or {}
  prompt = asides.strip(prompt, df)
  local spec = copy(base)
  spec.encoding = spec.encoding or {}
  local ctx = context.new(prompt, spec, df)
  ctx.said_agg = opts.said_agg
  if wants_fresh(ctx) then return { kind = "new", fresh = true } end
  if puts_back(ctx) then return { kind = "undo" } end
  -- a title's words are the title's ('title it "IMDb ratings by rating"'), not columns to chart
  style.titles(ctx)
  if df then
    -- a chart named afresh, or the first columns named after a chart chartd had to choose itself
    local whole, uncued = names_a_chart(ctx)
    if whole or opts.vague and #(opts.stated or {}) == 0 and uncued > 0 then return { kind = "new" } end
  end
  if not df then
    -- a chart without data (nothing to read columns from): only rules that need no data run
    ctx.df = { names = {}, types = {}, columns = {}, nrows = 0 }
  end
  for _, rule in ipairs(M.RULES) do rule(ctx) end
  if wants_undo(ctx) and #ctx.edits == 0 then return { kind = "undo" } end
  for _, rule in ipairs(M.LAST) do rule(ctx) end
  require("planner.edits.channels").consistent(ctx.spec)
  -- (a filter that keeps no row is left out, said in a note: "only X" where no row is X)
  if df then
    for _, note in ipairs(require("planner.keeps_rows").drop_empty(ctx.spec, df)) do ctx:note(note) end
  end
  if ctx.type_refused then ctx:refuse(ctx.type_refused) end
  if df and #ctx.edits > 0 and #ctx.refusals == 0 then invalid_edit(ctx, base, df) end
  local rest = leftovers(ctx)
  -- on invented data, words the rules do not explain name something new: invent that instead
  if opts.synthetic and #rest > 0 and not styling_only(rest, ctx) then return { kind = "new" } end
  local result = { spec = ctx.spec, edits = ctx.edits, notes = ctx.notes, named_type = ctx.named_type }
  if #ctx.edits > 0 then
    regrouped(ctx, base)
    -- a title the planner wrote follows the chart ("Count by Airport" after "by phase" would lie);
    -- one the user wrote stays
    local offline = require "planner.offline"
    if base.title and ctx.spec.title == base.title and offline.title_of(base) == base.title then
      ctx.spec.title = offline.title_of(ctx.spec)
    end
    if styling_only(rest, ctx) then
      ctx:note("not applied: " .. table.concat(rest, " ") .. " (chartd has no setting for it)")
    end
    for _, r in ipairs(ctx.refusals) do ctx:note(r) end
    result.kind = "edit"
    return result
  end
  if #ctx.refusals > 0 then
    return { kind = "unclear", message = table.concat(ctx.refusals, "; "), refused = true,
      suggestions = M.suggestions(base, df) }
  end
  if #ctx.notes > 0 or #rest == 0 or styling_only(rest, ctx) then
    -- understood as looks (or as nothing to change): say so and keep the chart
    if #ctx.notes == 0 then
      local said = prompt:gsub("^%s+", ""):gsub("%s+$", ""):sub(1, 80)
      ctx:note(('not applied: "%s" (chartd has no setting for it); the chart is unchanged'):format(said))
    end
    result.kind = "style"
    result.spec = copy(base)
    return result
  end
  return { kind = "unclear", words = rest, suggestions = M.suggestions(base, df),
    message = #rest > 0 and ('could not read "%s" as a change to the chart'):format(table.concat(rest, " "))
      or "could not read that as a change to the chart" }
end

-- The rows a new request asks for ("… for 2016", "top 10 …", "… for action movies"), applied to
-- its planned spec. Returns the spec and notes.
function M.rows(prompt, spec, df)
  local ctx = context.new(prompt, spec, df)
  for _, rule in ipairs(M.ROW_RULES) do rule(ctx) end
  for _, note in ipairs(require("planner.keeps_rows").drop_empty(ctx.spec, df)) do ctx:note(note) end
  return ctx.spec, ctx.notes
end

-- The context a new request in a conversation keeps from the chart before it: presentation
-- (theme, size, format, config), filters on columns the data still has, and — when the chart
-- before was chosen for a vague request — the column it was grouped by, as the new chart's
-- colour when that slot is free.
local COLOR_TYPES = { bar = true, line = true, area = true, scatter = true, histogram = true, box = false }
-- The measure of `base` (its y, theta or heatmap colour, with the aggregate) put where `new`
-- counts rows; the planner's own title follows.
local MEASURE_CHANNELS = { "y", "theta", "color", "x" }
local function measure_of(spec)
  for _, ch in ipairs(MEASURE_CHANNELS) do
    local e = spec.encoding and spec.encoding[ch]
    if type(e) == "table" and e.field and e.aggregate and e.aggregate ~= "count" then return e end
  end
end
local function keep_measure(new, base, df)
  local m = measure_of(base)
  if not (m and df.columns[m.field] and new.encoding) then return end
  local x = new.encoding.x
  for _, ch in ipairs(MEASURE_CHANNELS) do
    local e = new.encoding[ch]
    if type(e) == "table" and e.aggregate and not (x and x.field == m.field) then
      local offline = require "planner.offline" -- (it requires this file)
      local titled = new.title == offline.title_of(new)
      new.encoding[ch] = { field = m.field, aggregate = m.aggregate, type = "quantitative" }
      if titled then new.title = offline.title_of(new) end
      return
    end
  end
end

function M.carry(new, base, df, opts)
  opts = opts or {}
  for _, k in ipairs { "theme", "width", "height", "format", "scale", "config" } do
    if new[k] == nil and base[k] ~= nil then new[k] = copy(base[k]) end
  end
  if not opts.fresh and base.transform and df then
    local kept = {}
    for _, step in ipairs(base.transform) do
      local f = step.filter and (step.filter.field or (type(step.filter["not"]) == "table" and step.filter["not"].field))
      if f and df.columns[f] then kept[#kept + 1] = copy(step) end
    end
    if #kept > 0 then
      new.transform = new.transform or require("util.json").array({})
      for _, step in ipairs(kept) do table.insert(new.transform, 1, step) end
    end
  end
  -- a chart type the user named before stays when the new request names none ("pie chart" …
  -- "population by country")
  -- (a distribution type does not carry into a chart of totals or averages: "box plot of wind"
  -- … "total precipitation per year")
  local measure = new.encoding and (new.encoding.y or new.encoding.theta)
  local summed = measure and measure.aggregate ~= nil and measure.aggregate ~= "count"
  local distribution = opts.named_type == "box" or opts.named_type == "histogram"
  if opts.named_type and not opts.fresh and not opts.new_named and new.type ~= opts.named_type and df
      and not (distribution and summed) then
    local channels = require "planner.edits.channels"
    local trial = copy(new)
    if channels.convert(trial, opts.named_type, df) then
      for k in pairs(new) do new[k] = nil end
      for k, v in pairs(trial) do new[k] = v end
    end
  end
  -- "as a heatmap, source by year" after total generation by year: a new chart that names no
  -- measure (it counted rows, or took the data's main one, as a guess) shows the one before
  if opts.measure_guessed and not opts.fresh and df then keep_measure(new, base, df) end
  if opts.vague and not opts.fresh and df then
    local used = {}
    for _, ch in pairs(new.encoding or {}) do if type(ch) == "table" and ch.field then used[ch.field] = true end end
    for _, name in ipairs(opts.stated or {}) do
      if not used[name] and df.columns[name] and (df.types[name] == "nominal" or df.types[name] == "ordinal"
          or df.types[name] == "quantitative") and COLOR_TYPES[new.type] and not new.encoding.color then
        new.encoding.color = { field = name, type = "nominal" }
        used[name] = true
      end
    end
  end
  return new
end

return M
