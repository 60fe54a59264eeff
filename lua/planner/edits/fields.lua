-- Follow-up rules about which columns go where: colour / split / stack / group / segment /
-- break down / slice / "add X to the legend" by a column; small multiples ("facet by X",
-- "separate charts for each X"); a column put on an axis; the aggregate ("use median
-- instead", "average X"); and columns named without a cue, slotted where they fit.
local channels = require "planner.edits.channels"
local lex = require "planner.lexicon"
local vocab = require "planner.edits.vocab"

local M = {}

local set = vocab.set

local COLOR_CUES = set [[color colour colored coloured colors colours coloring colouring split splits
  splitting break breakdown broken segment segmented segments segregate segregated slice sliced slices
  divide divided separate separated seperate differentiate distinguish distinguished hue shade legend
  stack stacked series subgroups subgroup disaggregate]]
-- (size cues share the same bridging words: "size the bubbles by")
local FACET_CUES = set [[facet faceted faceting facets panel panels multiples trellis grid subplots subplot]]
local GROUP_CUES = set [[by per each every across for within group grouped groups]]
M.COLOR_CUES, M.FACET_CUES = COLOR_CUES, FACET_CUES
-- words that may sit between a cue and its column ("split it by the car's origin")
local BRIDGE = set [[by per for each every on into it them the a an of out down up things points bars lines wrap
  dots marks into its their according to using with value values field column different change in car's
  s]]

local function set_channel(ctx, name, field)
  local spec, df = ctx.spec, ctx.df
  local old = spec.encoding[name]
  spec.encoding[name] = channels.of(df, field)
  if name == "color" and df.types[field] == "quantitative" and spec.type ~= "heatmap" and spec.type ~= "scatter" then
    -- a numeric column splits bars and lines as categories
    spec.encoding.color.type = "nominal"
  end
  -- a column drawn on another channel already keeps one type: bars' groups become categories
  -- ("colour each tree differently" on bars by Tree 1..5), else the colour follows the axis
  local new = spec.encoding[name]
  for ch, enc in pairs(spec.encoding) do
    if ch ~= name and type(enc) == "table" and enc.field == field and enc.type ~= new.type and not enc.timeUnit then
      if spec.type == "bar" and enc.type == "quantitative" and not enc.aggregate then
        enc.type = new.type
      else
        new.type = enc.type
      end
    end
  end
  return old
end

-- The mention a cue at token i points to: the next column named within a few bridging words,
-- else the one just before ("origin colored").
local function target(ctx, i)
  local k = i + 1
  while ctx.tokens[k] do
    local m = ctx:mention_at(k)
    -- a weak reading ("car's" as the Model column) gives way to a column named right after it
    if m and (m.score < 0.6 or m.col.role == "id") then
      local later = ctx:mention_at(m.j + 1) or ctx:mention_at(m.j + 2)
      if later and later ~= m then
        ctx:take(m) -- explained as a word of the phrase, not a column
        m = later
      end
    end
    if m then return ctx:open(m) and m or nil end
    local t = ctx.tokens[k]
    if t.p and t.p ~= "," and t.p ~= ":" then break end
    if t.w and not BRIDGE[t.w] and not COLOR_CUES[t.w] and not FACET_CUES[t.w] and not GROUP_CUES[t.w]
        and t.w ~= "=" and not lex.stop[t.w] then
      -- an unknown word or two before "by" ("split splots by X") still leads to the column
      -- (not a number: "size 1000 by 500" is the chart's dimensions)
      if tonumber(t.w) then break end
      local by = (ctx:w(k + 1) == "by" or ctx:w(k + 1) == "per") and k + 1
        or (ctx:w(k + 2) == "by" or ctx:w(k + 2) == "per") and k + 2
      if not by or k - i > 3 then break end
      ctx:mark(k)
      k = by
    end
    k = k + 1
  end
  -- before the cue: "origin colored", "show it per genre as small multiples"
  for k = i - 1, math.max(1, i - 5), -1 do
    local m = ctx:mention_at(k)
    if m and ctx:open(m) then return m end
    local t = ctx.tokens[k]
    if t.p and t.p ~= "," then break end
  end
  return nil
end

-- what may open a request before "for each X" ("ok, and now for each region please")
local FOR_EACH_LEAD = set [[and now ok okay so then also maybe how about what same but do it this]]
local function facet_phrase(ctx, i)
  local w, nxt = ctx:w(i), ctx:w(i + 1)
  if FACET_CUES[w] then
    -- "grid" is a facet word only as "in a grid" / "grid of charts", not "gridlines"
    if w == "grid" and not (nxt == "of" or ctx:w(i - 1) == "a") then return false end
    return true
  end
  -- "separate charts/plots/panels", "its own chart", "one chart per", "a chart for each"
  local chartish = { chart = true, charts = true, plot = true, plots = true, graph = true, graphs = true,
    panel = true, panels = true, subplot = true, subplots = true, graphic = true }
  if (w == "separate" or w == "seperate" or w == "individual" or w == "multiple" or w == "own") then
    for k = i + 1, i + 3 do if chartish[ctx:w(k)] then return true, k end end
  end
  if chartish[w] and (nxt == "per" or nxt == "for" and ctx:w(i + 2) == "each" or nxt == "each") then return true end
  -- "small multiple per X": the singular
  if w == "multiple" and ctx:w(i - 1) == "small" then return true end
  -- "for each region" said alone, at the start: a chart each ("a line for each X" is a colour)
  if w == "for" and (nxt == "each" or nxt == "every") then
    local lead = true
    for k = 1, i - 1 do
      local pw = ctx:w(k)
      if pw and not (FOR_EACH_LEAD[pw] or ctx.talk[k]) then lead = false end
    end
    if lead then return true, i + 1 end
  end
  -- "one per ship mode", "one for each region": one chart each
  if w == "one" and (nxt == "per" or nxt == "for" and ctx:w(i + 2) == "each") then return true end
  return false
end

-- A column for a cue whose word names none ("colour by industry" when the data calls its
-- industries "series"): the one column of categories the chart does not use yet, with a note.
-- The data's one column of categories the chart does not use yet, else its one column of
-- categories even when the chart uses it already ("by company" on a chart split by symbol).
-- (the latter only when a word after "by" names it: "one colour for all the bars" names none)
local function the_category(ctx, named_by)
  local used = {}
  for _, ch in pairs(ctx.spec.encoding) do if type(ch) == "table" and ch.field then used[ch.field] = true end end
  local profile = require "planner.profile"
  return profile.only_category(ctx.prof, used) or named_by and profile.only_category(ctx.prof) or nil
end

-- "colour scheme", "color palette", "colour gradient", "colour blind": the colours' styling, never a column
-- Where a request says its column comes beside the chart's ("too", "also", "as well"): an index, or true.
local function also_said(ctx)
  return ctx:find({ too = true, also = true, additionally = true }, 1) or ctx.prompt:lower():find("as well") and true
end

local COLOUR_WORDS = set [[color colour colored coloured colors colours coloring colouring]]
-- Words that pool a column's groups into one ("both sexes added together", "regions combined").
local POOLED = vocab.pooled
local POOL_VERBS = set [[combine pool merge]]
local PALETTE_WORDS = set [[scheme schemes palette palettes gradient ramp shades tones hues theme blind]]
local COPULA = set [[is are was were looks look seems seem feels gets]]
local function only_category(ctx, i)
  local k = i + 1
  while ctx:w(k) and (BRIDGE[ctx:w(k)] or lex.stop[ctx:w(k)]) do
    -- ("stacked is confusing": what is said of the cue, no column)
    if COPULA[ctx:w(k)] then return nil end
    k = k + 1
  end
  local word = ctx:w(k)
  if not word or ctx:mention_at(k) or not ctx.prof or ctx:grain_at(k) or PALETTE_WORDS[word] or vocab.courtesy[word]
      or POOLED[word]
      or vocab.comparative[word] then return nil end
  -- ("split seattle vs new york": values of a column, read by the rules of rows)
  for _, v in ipairs(ctx:value_mentions()) do if v.i == k then return nil end end
  -- "colour them all the same grey", "colour it red": a colour, not a column
  local named = require("layout.color").named
  for j = i + 1, math.min(#ctx.tokens, i + 6) do
    local w = ctx:w(j)
    if w and (named(w) or w == "same") then return nil end
  end
  local by = false
  for j = i + 1, k - 1 do
    by = by or ctx:w(j) == "by" or ctx:w(j) == "per"
    -- "darker colours for more people": how the colours follow an amount (style.scheme), no column
    if vocab.comparative[ctx:w(j)] then return nil end
  end
  local found = the_category(ctx, by)
  if not found then return nil end
  ctx:mark(k)
  ctx:note(('read "%s" as the column %s'):format(word, found.name))
  return found.name
end

-- "a single chart with colours", "all in one chart", "on the same plot": a chart split into
-- panels comes back together, its panels' column as the colours.
local ONE_CHART = set [[single one same]]
local CHART_WORDS = set [[chart plot graph panel figure]]
local function together(ctx)
  local enc = ctx.spec.encoding
  local panels = enc.column or enc.row
  if not (panels and panels.field) then return false end
  for i = 1, #ctx.tokens do
    if ctx:free(i) and ONE_CHART[ctx:w(i) or ""] and CHART_WORDS[ctx:w(i + 1) or ""] then
      ctx:mark(i, i + 1)
      local k = ctx:find(COLOR_CUES, i + 2, 3) or ctx:find({ colours = true, colors = true }, i + 2, 3)
      if k then ctx:mark(k, k - 1) end
      enc.column, enc.row = nil, nil
      if ctx.spec.type ~= "pie" and ctx.spec.type ~= "donut" then
        enc.color = channels.of(ctx.df, panels.field)
        if ctx.df.types[panels.field] == "quantitative" then enc.color.type = "nominal" end
      end
      ctx:edit("facet")
      return true
    end
  end
  return false
end

-- "one panel each instead of colours", "facet it", "small multiples", "separate charts": the
-- colours' column becomes the panels, when the request names no column of its own.
local SEPARATE = set [[separate separated own individual different]]
local PLOT_WORDS = set [[chart charts plot plots graph graphs]]
local function apart(ctx)
  local enc = ctx.spec.encoding
  if not (enc.color and enc.color.field and enc.color.type ~= "quantitative") or enc.column or enc.row then
    return false
  end
  for _, m in ipairs(ctx:free_mentions()) do
    if ctx.df.types[m.col.name] ~= "quantitative" then return false end
  end
  local at
  for i = 1, #ctx.tokens do
    local w = ctx:w(i)
    -- ("panel background white", "panel borders": the panels' looks)
    local styled = vocab.styling[ctx:w(i + 1) or ""]
    if ctx:free(i) and w and not styled
        and (FACET_CUES[w] and w ~= "grid" or SEPARATE[w] and PLOT_WORDS[ctx:w(i + 1) or ""]) then
      at = i
      break
    end
  end
  if not at then return false end
  ctx:mark(at)
  if PLOT_WORDS[ctx:w(at + 1) or ""] then ctx:mark(at + 1) end
  -- "instead of colours", "not colours", "rather than the legend"
  local k = ctx:find(COLOR_CUES, at, 5) or ctx:find({ colours = true, colors = true, legend = true }, at, 5)
  if k then ctx:mark(k) end
  enc.column, enc.color = { field = enc.color.field, type = "nominal" }, nil
  ctx:edit("facet")
  return true
end

-- "colour by X", "split by X", "facet by X", "separate charts for each X", "add X to the legend",
-- "a line per X", "different for each value of X".
function M.split(ctx)
  if together(ctx) or apart(ctx) then return end
  for i, t in ipairs(ctx.tokens) do
    if t.w and ctx:free(i) then
      local facet, extra = facet_phrase(ctx, i)
      -- (not the noun after the name of the column on x: "within each hair colour" on bars by
      -- Hair names Hair; "eye colour" there still splits by Eye)
      local before = ctx:mention_at(i - 1)
      local on_x = ctx.spec.encoding.x
      local noun = (t.w == "colour" or t.w == "color") and before and on_x and on_x.field == before.col.name
        and not ctx:mention_after(i + 1, 3)
      if noun then ctx:mark(i) end
      local color = not facet and COLOR_CUES[t.w] and not noun
      -- "split into panels by X", "break it out into separate charts": the facet word decides
      if color then
        for k = i + 1, i + 10 do
          if ctx.tokens[k] and ctx.tokens[k].p and ctx.tokens[k].p ~= "," then break end
          -- ("split it by league with a separate panel for each": the split is the panels)
          local later, later_extra = facet_phrase(ctx, k)
          if later then
            color, facet, extra = false, true, later_extra
            ctx:mark(k)
            break
          end
        end
      end
      -- "group by X" / "grouped by X" on a chart that already has its groups on x: series of X
      -- ("group by X instead" regroups: X takes x's place, fields.slot)
      if not facet and (t.w == "group" or t.w == "grouped") and ctx:w(i + 1) == "by" then
        local x = ctx.spec.encoding.x
        color = x and x.field and ctx.spec.type ~= "histogram" and ctx.spec.type ~= "pie"
          and not ctx:find({ instead = true }, i + 2, 4)
      end
      -- "X in (the) legend", "add X to the legend"
      if t.w == "legend" then
        local m = ctx:mention_at(i - 2) or ctx:mention_at(i - 3) or ctx:mention_at(i - 1)
        if m and ctx:open(m) then
          ctx:mark(i, i - 1, i - 2)
          if ctx:w(i - 3) == "add" or ctx:w(i - 4) == "add" then ctx:mark(i - 3, i - 4) end
          local field = ctx:take(m)
          set_channel(ctx, "color", field)
          ctx:edit("color")
          goto continue
        end
        -- "legend by X", "legend per X": a colour by X (the column after the cue)
        color = ctx:w(i + 1) == "by" or ctx:w(i + 1) == "per"
      end
      if facet or color then
        local m = target(ctx, i)
        local field
        if not m then
          -- "2008 and 2009 only, as small multiples": the values kept are what splits the chart
          field = facet and require("planner.edits.chart").filtered_series(ctx.spec) or only_category(ctx, i)
          if field then
            ctx:mark(i)
            if extra then ctx:mark(extra) end
            m = { col = ctx.prof.by_name[field], i = i, j = i, score = 1, used = true, virtual = true }
          end
        end
        if m then
          ctx:mark(i)
          if extra then ctx:mark(extra) end
          local agg
          for k = i + 1, m.i - 1 do
            local w = ctx:w(k)
            if w and (BRIDGE[w] or GROUP_CUES[w] or lex.stop[w]) then ctx:mark(k) end
            if w and lex.aggregate[w] then agg = lex.aggregate[w] end
          end
          local field = m.virtual and m.col.name or ctx:take(m)
          if facet then
            ctx.spec.encoding.column = channels.of(ctx.df, field)
            if ctx.spec.encoding.color and ctx.spec.encoding.color.field == field then ctx.spec.encoding.color = nil end
            ctx:edit("facet")
          else
            if t.w:match("^stack") then ctx.stack_wanted = true end
            local enc = ctx.spec.encoding
            if ctx.spec.type == "pie" or ctx.spec.type == "donut" then
              ctx:refuse("a pie chart has one set of slices; make it a bar chart to split it by " .. field)
            elseif ctx.spec.type == "heatmap" and ctx.df.types[field] == "quantitative" then
              -- a heatmap's colour is its measure: "color = average gross"
              local old = enc.color and enc.color.aggregate
              enc.color = channels.of(ctx.df, field, { aggregate = agg or (old ~= "count" and old) or "mean" })
              ctx:edit("field")
            elseif enc.color and enc.color.field ~= field and not COLOUR_WORDS[t.w]
                and (ctx:w(1) == "and" or also_said(ctx)) and not enc.column
                and require("chartspec.validate").facetable(ctx.spec.type) then
              -- "and split by X" on a chart coloured already: a second split, as panels
              enc.column = channels.of(ctx.df, field)
              enc.column.type = "nominal"
              ctx:edit("facet")
            else
              set_channel(ctx, "color", field)
              if enc.column and enc.column.field == field then enc.column = nil end
              ctx:edit("color")
            end
          end
        end
      end
    end
    ::continue::
  end
end

-- "one colour for all of them", "a single colour", "the same colour for every bar": the words of
-- one colour for every mark, marked; returns whether they were there.
local ONE = { one = true, single = true, same = true }
local COLOUR = { color = true, colour = true }
local EVERY = { all = true, every = true }
local EACH = { each = true, per = true, ["for"] = true }
local function one_colour(ctx)
  for i = 1, #ctx.tokens do
    -- (not "one colour each", "one colour per series", "one colour for each": a colour apiece)
    local apiece = EACH[ctx:w(i + 2) or ""] and not (ctx:w(i + 2) == "for" and EVERY[ctx:w(i + 3) or ""])
    if ONE[ctx:w(i) or ""] and COLOUR[ctx:w(i + 1) or ""] and ctx:free(i) and ctx:free(i + 1) and not apiece then
      local j = i + 1
      if ctx:w(j + 1) == "for" and EVERY[ctx:w(j + 2) or ""] then
        j = j + 2
        if ctx:w(j + 1) == "of" then j = j + 1 end
        if ctx:w(j + 1) == "them" or ctx:w(j + 1) == "the" then j = j + 1 end
      end
      for k = i, j do ctx:mark(k) end
      return true
    end
  end
  return false
end

-- "remove the colour", "no legend colours", "one colour": drops the split.
function M.uncolor(ctx)
  -- (a pie's slices and a heatmap's cells are their colours: the chart cannot lose them)
  if channels.required(ctx.spec.type, "color") then return end
  if ctx.spec.encoding.color and one_colour(ctx) then
    ctx.spec.encoding.color = nil
    ctx:edit("color")
  end
  for i, t in ipairs(ctx.tokens) do
    if ctx:free(i) and (t.w == "color" or t.w == "colour" or t.w == "colors" or t.w == "colours"
        or t.w == "split" or t.w == "facet" or t.w == "panels" or t.w == "breakdown") then
      -- "remove the colour", "drop the region split", "take the colour off", "colours off"
      local neg = { remove = true, drop = true, no = true, without = true, undo = true, lose = true,
        ["don't"] = true, take = true, kill = true, ditch = true, rid = true, scrap = true }
      local at
      for k = i - 1, math.max(1, i - 3), -1 do
        if neg[ctx:w(k) or ""] then at = k; break end
        if ctx.tokens[k].p then break end
      end
      local off = (ctx:w(i + 1) == "off" or ctx:w(i + 1) == "away") and i + 1
        or ctx:w(i + 1) == "split" and (ctx:w(i + 2) == "off" or ctx:w(i + 2) == "away") and i + 2
      local took_off = at and (ctx:w(at + 1) == "off" or ctx:w(at + 1) == "away")
      if at and (ctx:w(at) ~= "take" or off or took_off) or off and not at and ctx:w(i + 2) == nil then
        for k = at or i, off or i do ctx:mark(k) end
        local enc = ctx.spec.encoding
        local facet = t.w == "facet" or t.w == "panels"
        if facet then enc.column, enc.row = nil, nil else enc.color = nil end
        if not facet and ctx.spec.options then
          ctx.spec.options.stacked, ctx.spec.options.normalize = nil, nil
          if not next(ctx.spec.options) then ctx.spec.options = nil end
        end
        ctx:edit(facet and "facet" or "color")
        return
      end
    end
  end
end

-- "size the bubbles by population", "size by pop", "bubble size = sales": a size encoding.
function M.size(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "size" or t.w == "sized" or t.w == "sizes") and ctx:free(i) then
      local m = target(ctx, i)
      if m and ctx.df.types[m.col.name] == "quantitative" then
        ctx:mark(i)
        for k = i + 1, m.i - 1 do ctx:mark(k) end
        local field = ctx:take(m)
        if spec.type ~= "scatter" and spec.type ~= "bubble" then
          local ok = channels.convert(spec, "scatter", ctx.df)
          if not ok then ctx:refuse("a size encoding is drawn on scatter plots"); return end
        end
        spec.encoding.size = channels.of(ctx.df, field)
        ctx:edit("size")
        return
      end
    end
  end
end

-- "the actual lows instead of the normals", "not record, the actual", "show min instead": a word
-- that turns one word of a drawn column's name into another column's name (normal_low →
-- actual_low, record_high → actual_high, max_speed → min_speed) swaps the chart to that column.
local function swapped_name(prof, c, at, stem)
  for _, o in ipairs(prof.columns) do
    if o ~= c and #o.content == #c.content and o.content[at] == stem then
      local same = true
      for k, w in ipairs(c.content) do if k ~= at and o.content[k] ~= w then same = false end end
      if same then return o end
    end
  end
  return nil
end

-- Whether mention m is one word of a drawn column's name of several, or a word that swaps one
-- ("record", "actual" over record_high): words about the chart, not a new chart's columns.
function M.about_drawn(ctx, m)
  if m.i ~= m.j or not ctx.prof then return false end
  local s = ctx.tokens[m.i].s
  for _, ch in pairs(ctx.spec.encoding) do
    local c = type(ch) == "table" and ch.field and ctx.prof.by_name[ch.field]
    if c and #c.content >= 2 then
      for at, w in ipairs(c.content) do
        if w == s or swapped_name(ctx.prof, c, at, s) then return true end
      end
    end
  end
  return false
end

-- Whether the word before token i is a value of the data ("only normal sales": "sales" names the
-- rows kept, not a column to swap in).
local function after_value(ctx, i)
  for _, v in ipairs(ctx:value_mentions()) do if v.j == i - 1 then return true end end
  return false
end

function M.swap_word(ctx)
  if not ctx.prof then return end -- a chart without data has no other columns to swap in
  local enc = ctx.spec.encoding
  for _, ch in ipairs { "y", "theta", "x", "color" } do
    local c = enc[ch] and enc[ch].field and ctx.prof.by_name[enc[ch].field]
    if c and #c.content >= 2 then
      for i, t in ipairs(ctx.tokens) do
        local m = ctx:mention_at(i)
        -- a word of other columns' names only (a column of its own is named, not swapped in)
        if ctx:free(i) and not lex.stop[t.w] and not (m and m.score >= 0.8) and not after_value(ctx, i) then
          for at, w in ipairs(c.content) do
            local o = w ~= t.s and swapped_name(ctx.prof, c, at, t.s)
            if o then
              ctx:mark(i)
              if m then ctx:take(m) end
              -- the word it replaces, said too ("not record", "instead of the normals")
              for k, u in ipairs(ctx.tokens) do
                if u.s == w or u.w == w then ctx:mark(k); local mk = ctx:mention_at(k); if mk then ctx:take(mk) end end
              end
              local old = set_channel(ctx, ch, o.name)
              enc[ch].aggregate, enc[ch].timeUnit, enc[ch].bin = old.aggregate, old.timeUnit, old.bin
              ctx:note(("read %q as %s"):format(t.w, o.name))
              ctx:edit("field")
              return
            end
          end
        end
      end
    end
  end
end

-- Words skipped between "X" and "instead of the Y".
local ARTICLE = set [[the a an those these]]

local AXIS = { x = "x", y = "y", horizontal = "x", vertical = "y", columns = "x", rows = "y" }
local UNITS = { years = "year", months = "month", weeks = "week", days = "day", quarters = "quarter", hours = "hour",
  year = "year", month = "month", week = "week", day = "day", quarter = "quarter" }

-- "X on the x axis", "put X on y", "x = X", "use X for the x axis", "wind on x, rain on y".
-- verbs before an axis ("replace x with …", "change the y to …"): not a word for a column
local AXIS_VERBS = set [[replace change set swap switch make use put update]]
function M.axes(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    local axis = t.w and AXIS[t.w]
    -- "regions as columns, sub-categories as rows" (a heatmap's grid)
    local grid = (t.w == "columns" or t.w == "rows") and spec.type == "heatmap"
      and (ctx:w(i - 1) == "as" or ctx:w(i - 1) == "in" or ctx:w(i - 1) == "the" and ctx:w(i - 2) == "on")
    if axis and ctx:free(i) and (t.w == "x" or t.w == "y" or ctx:w(i + 1) == "axis" or grid) then
      local m
      -- "X on the x axis" / "X on x": the mention before; "x axis: X", "x = X", "x axis should be X": after
      local prev = i - 1
      while ctx:w(prev) == "the" or ctx:w(prev) == "on" or ctx:w(prev) == "along" or ctx:w(prev) == "to"
        or ctx:w(prev) == "is" or ctx:w(prev) == "for" or ctx:w(prev) == "as" do prev = prev - 1 end
      if prev < i - 1 then m = ctx:mention_at(prev) end
      if not (m and ctx:open(m)) then
        m = nil
        local k = i + 1
        if ctx:w(k) == "axis" then k = k + 1 end
        while ctx.tokens[k] and (ctx.tokens[k].p == ":" or ctx:w(k) == "should" or ctx:w(k) == "be" or ctx:w(k) == "is"
          or ctx:w(k) == "show" or ctx:w(k) == "shows" or ctx:w(k) == "the" or ctx:w(k) == "to" or ctx:w(k) == "as"
          -- "replace x with weight", "swap the y for profit"
          or ctx:w(k) == "with" or ctx:w(k) == "for") do
          k = k + 1
        end
        local cand = ctx:mention_at(k)
        if cand and ctx:open(cand) and (k > i + 1 or ctx.prompt:find("[xy]%s*=") or AXIS_VERBS[ctx:w(i - 1) or ""]) then
          m = cand
        end
      end
      -- "industries on the y axis" where the data calls them something else: its one column of categories
      if not m and ctx:w(prev) and not ctx:mention_at(prev) and not UNITS[ctx:w(prev)] and not lex.stop[ctx:w(prev)]
          and not vocab.command[ctx:w(prev)] and not vocab.styling[ctx:w(prev)] and not AXIS_VERBS[ctx:w(prev)] then
        local field = only_category(ctx, prev - 1)
        if field then m = { col = ctx.prof.by_name[field], i = prev, j = prev, score = 1, virtual = true } end
      end
      -- "months along the x axis": the data's dates, by that unit
      local unit_at = not m and (UNITS[ctx:w(prev) or ""] and prev or UNITS[ctx:w(i - 1) or ""] and i - 1)
      if unit_at and not ctx:mention_at(unit_at) then
        local tfield
        for _, n in ipairs(ctx.df.names) do if not tfield and ctx.df.types[n] == "temporal" then tfield = n end end
        if tfield then
          m = { col = ctx.prof.by_name[tfield], i = unit_at, j = unit_at, score = 1, virtual = true,
            unit = require("planner.edits.time").TIME_UNIT[UNITS[ctx:w(unit_at)]] }
        end
      end
      if m then
        local lo, hi = math.min(i, m.i), math.max(i, m.j)
        for k = lo, hi do
          local w = ctx:w(k)
          if w and (lex.stop[w] or w == "axis" or w == "should" or w == "be") then ctx:mark(k) end
        end
        ctx:mark(i)
        if ctx:w(i + 1) == "axis" then ctx:mark(i + 1) end
        local field = m.virtual and m.col.name or ctx:take(m)
        if m.virtual then ctx:mark(m.i) end
        local enc = spec.encoding
        local other = axis == "x" and "y" or "x"
        if spec.type == "bar" and spec.options and spec.options.horizontal then
          -- a horizontal bar chart draws encoding.x (the groups) along the vertical axis
          if ctx.df.types[field] == "quantitative" then axis, other = "x", "y" else axis, other = "x", "y" end
        end
        -- the field elsewhere in the chart trades places with what the axis held
        local from
        for _, ch in ipairs { "x", "y", "color", "column", "row" } do
          if enc[ch] and enc[ch].field == field and ch ~= axis then from = ch end
        end
        local old = enc[axis]
        if from then
          enc[axis], enc[from] = enc[from], old
          if enc[from] and from ~= "x" and from ~= "y" and enc[from].type == "quantitative" and spec.type ~= "scatter"
              and spec.type ~= "heatmap" then
            enc[from].type = "nominal"
          end
          if enc[axis] then enc[axis].title = nil end
          if enc[from] then enc[from].title = nil end
        elseif axis == "y" and spec.type ~= "scatter" and spec.type ~= "heatmap" and enc.y
            and ctx.df.types[field] == "quantitative" then
          local agg = enc.y.aggregate
          local as_is = enc.y.field and agg == nil and require("planner.profile").one_row_each(ctx.df, enc)
          enc.y = channels.of(ctx.df, field)
          if not as_is then
            enc.y.aggregate = (agg and agg ~= "count") and agg or M.default_aggregate(ctx, field)
          end
        else
          enc[axis] = channels.of(ctx.df, field)
          -- (a histogram bins numbers; categories put on its x are counted as bars)
          if spec.type == "histogram" and axis == "x" then
            if ctx.df.types[field] == "quantitative" then
              enc.x.bin = true
            else
              spec.type, enc.y = "bar", { aggregate = "count", type = "quantitative" }
              channels.keep_options(spec)
            end
          end
        end
        if m.unit and enc[axis] and enc[axis].field == field then enc[axis].timeUnit = m.unit end
        ctx:edit("axes")
        -- "swap so X is on the x axis": the swap is this
        local s = ctx:find({ swap = true, switch = true, flip = true }, 1)
        if s then ctx:mark(s) end
      end
    end
  end
end

-- The usual aggregate of a column (profile.default_agg: sum for what adds up, else mean) — or
-- the one said before any measure was ("avg households per region", then "by the total column").
function M.default_aggregate(ctx, field)
  if ctx.said_agg then return ctx.said_agg end
  local c = ctx.prof and ctx.prof.by_name[field]
  return c and require("planner.profile").default_agg(c) or "mean"
end

local AGG_NEG = set [[not instead rather than versus vs]]
local AGG_GROUP_WORDS = set [[by per each every across over]]
local COLUMN_WORDS = set [[column col field variable var]]

-- "use median instead", "average X", "total not average", "change to mean", "count them".
function M.aggregate(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    local agg = t.w and ctx:free(i) and (lex.aggregate[t.w] or not lex.superlative[t.s] and lex.aggregate[t.s])
    if lex.count[t.w or ""] and ctx:free(i) then agg = "count" end
    -- (a word of a column's name said with the rest of it: "sleep total" is sleep_total)
    local named_in = ctx:mention_at(i)
    if named_in and named_in.j > named_in.i then agg = nil end
    -- ("by the total column", "the count field": the word is the column's name)
    if named_in and COLUMN_WORDS[ctx:w(i + 1) or ""] then agg = nil end
    -- "add them up", "add it all up": a sum; "how many": a count
    local up = t.w == "add" and (ctx:w(i + 1) == "up" and i + 1 or ctx:w(i + 2) == "up" and i + 2
      or ctx:w(i + 3) == "up" and i + 3)
    if up and ctx:free(i) then agg = "sum"; ctx:mark(i + 1, up) end
    if t.w == "how" and ctx:w(i + 1) == "many" and ctx:free(i) then agg = "count"; ctx:mark(i + 1) end
    if t.w == "number" and ctx:w(i + 1) == "of" and ctx:free(i) then agg = "count" end
    -- superlatives rank ("largest first"); they aggregate only as "highest value", or when the
    -- chart already shows a max or min ("show the lowest instead")
    local cur = spec.encoding[channels.measure(spec.encoding) or "y"]
    local extreme = cur and (cur.aggregate == "max" or cur.aggregate == "min")
    if agg and lex.superlative[t.w] and ctx:w(i + 1) ~= "value" and ctx:w(i + 1) ~= "values" and not extreme then
      agg = nil
    end
    if agg and (t.w == "overall" or t.w == "cumulative") then agg = nil end
    -- ("largest values first": an order, rows.sort)
    if agg and (ctx:w(i + 1) == "first" or ctx:w(i + 2) == "first") then agg = nil end
    -- "X rather than Y", "Y not X", "instead of the count": what follows a negation is what
    -- is no longer wanted
    if agg then
      for k = i - 1, math.max(1, i - 3), -1 do
        local w = ctx:w(k)
        if not w then break end
        if AGG_NEG[w] then
          for j = k, i do ctx:mark(j) end
          if w == "than" then ctx:mark(k - 1) end
          agg = nil
          break
        end
      end
    end
    -- "sort the boxes by median", "order by total": the key of a sort, read by rows.sort
    if agg and ctx:find({ sort = true, sorted = true, order = true, ordered = true, rank = true, ranked = true },
        math.max(1, i - 4), 4) then
      agg = nil
    end
    if agg then
      ctx:mark(i)
      if t.w == "number" then ctx:mark(i + 1) end
      local m = ctx:mention_after(i + 1, 2)
      -- ("average per age": the column after a group word is the groups, not the measure)
      for k = i + 1, m and m.i - 1 or 0 do if AGG_GROUP_WORDS[ctx:w(k) or ""] then m = nil; break end end
      local field = m and ctx.df.types[m.col.name] == "quantitative" and m.col.role ~= "time" and ctx:take(m) or nil
      if m and field then for k = i + 1, m.i - 1 do ctx:mark(k) end end
      local ch = channels.measure(spec.encoding)
      if spec.type == "heatmap" then ch = "color" end
      if spec.type == "histogram" and agg == "count" and (not field or field == spec.encoding.x.field) then
        ctx:edit("aggregate") -- a histogram counts its bins already
        return
      end
      if spec.type == "scatter" or spec.type == "histogram" or spec.type == "box" then
        -- (a box of counts has no values to draw: counted, the groups become bars)
        if field or agg ~= "count" or spec.type == "box" then
          -- a chart of every value: an aggregate asks for bars of it. A histogram's binned column
          -- is what it aggregates ("by country, total" on a histogram of market values), by its
          -- colours when split ("median instead" on prices by state), else — unless the request
          -- names groups — by the data's most telling categories (its own bins would hold one
          -- value each)
          if spec.type == "histogram" and agg ~= "count" then field = field or spec.encoding.x.field end
          local split = spec.type == "histogram" and agg ~= "count" and spec.encoding.color
          local groups = split and split.field and { split.field }
          local named_group = false
          for _, fm in ipairs(ctx:free_mentions()) do
            named_group = named_group or ctx.df.types[fm.col.name] ~= "quantitative" or fm.col.discrete
          end
          if spec.type == "histogram" and agg ~= "count" and not groups and ctx.prof and not named_group then
            local best = require("planner.vague").best(ctx.prof).group
            if best then
              groups = { best }
              ctx:note(("a histogram has no groups to take the %s in, so chartd grouped by %s; "
                .. "say \"by X\" to change it"):format(t.w, best))
            end
          end
          local ok = channels.convert(spec, "bar", ctx.df, groups and { groups = groups, measures = {} } or nil)
          local enc = spec.encoding
          if ok and enc.color and enc.x and enc.color.field == enc.x.field then enc.color = nil end
          if not ok then ctx:refuse(("a %s chart shows every value; there is nothing to %s"):format(spec.type, t.w)); return end
          ch = channels.measure(spec.encoding)
        end
      end
      if not ch then ch = spec.type == "pie" and "theta" or "y" end
      if agg == "count" and not field then
        spec.encoding[ch] = { aggregate = "count", type = "quantitative" }
      else
        local cur = spec.encoding[ch]
        field = field or (cur and cur.field)
        if not field and ctx.prof then
          -- "average" on a chart of counts: the data's main measure, said in a note
          field = require("planner.vague").best(ctx.prof).measure
          if field then ctx:note(("the chart counted rows, so it shows the %s of %s; name another column to change it")
            :format(t.w, field)) end
        end
        if not field then
          ctx:refuse(("the chart counts rows; name a column to take the %s of"):format(t.w))
          return
        end
        -- (a column of categories has no total or average: "median" on a heatmap coloured by weather)
        local ftype = ctx.df.types[field]
        if ftype and ftype ~= "quantitative" and not (ftype == "temporal" and (agg == "min" or agg == "max")) then
          ctx:refuse(("%s holds categories, not numbers; name a numeric column to take the %s of"):format(field, t.w))
          return
        end
        -- (the same field keeps its channel: a folded "value" is no column of the data to type)
        if cur and cur.field == field then
          spec.encoding[ch] = channels.retitled(cur)
          spec.encoding[ch].aggregate = agg
        else
          spec.encoding[ch] = channels.of(ctx.df, field, { aggregate = agg })
        end
        if ch == "color" then spec.encoding[ch].type = "quantitative" end
      end
      ctx:edit("aggregate")
      return
    end
  end
end

local GROUP_WORDS = set [[by per each every across for over]]
local REMOVE = set [[drop remove without exclude hide lose ditch minus]]
-- First words of a request that corrects the one before ("actually by phase", "no, by region").
local CORRECTION = set [[actually no nope wait sorry oops rather i meant hmm instead]]
-- Words between "same" and the groups that ask for the same chart again ("same but by X", "the
-- same chart per X", "same thing by X").
local SAME_AGAIN = set [[but chart plot graph thing again only just by per for]]
-- Whether the words before mention m say "the same chart, by m" (X for the groups, not a split).
local function same_again(ctx, m)
  for k = m.i - 1, math.max(1, m.i - 4), -1 do
    local w = ctx:w(k)
    if w == "same" then return GROUP_WORDS[ctx:w(m.i - 1) or ""] ~= nil end
    if not (w and SAME_AGAIN[w] or ctx.tokens[k].p == ",") then return false end
  end
  return false
end

-- "by company" where no column is called that and nothing else explained the word: the data's
-- one column of categories the chart does not use, read as a column named there (M.slot places it).
local PERIODS = set [[decade decades century centuries era eras period periods season seasons hour hours
  minute minutes weekday weekdays]]
function M.unnamed_group(ctx)
  if not ctx.prof then return end
  for i, t in ipairs(ctx.tokens) do
    local k = i + 1
    local w = ctx:w(k)
    if (t.w == "by" and not (ctx:w(i - 1) == "side" and w == "side") or t.w == "per") and ctx:free(i) and w
        and ctx:free(k) and not ctx:mention_at(k)
        and not lex.stop[w] and not lex.time_unit[w] and not tonumber(w) and not vocab.command[w]
        and not vocab.courtesy[w]
        and not PERIODS[w] then
      local found = the_category(ctx, true)
      if not found then return end
      local m = { col = found, i = k, j = k, score = 0.7 }
      ctx.taken[k] = m
      table.insert(ctx.mentions, m)
      table.sort(ctx.mentions, function(a, b) return a.i < b.i end)
      ctx:note(('read "%s" as the column %s'):format(w, found.name))
      return
    end
  end
end

-- Whether mention m names a column whose name is a column on the chart plus one word — the word
-- said ("adjusted" for "adjusted CO2" on a chart of CO2): a variant of what is drawn, not an
-- ordinary word of the sentence.
local function variant_of_drawn(ctx, m)
  local words = {}
  for _, w in ipairs(m.col.content) do words[w] = true end
  for _, ch in pairs(ctx.spec.encoding) do
    local c = type(ch) == "table" and ch.field and ctx.prof.by_name[ch.field]
    if c and c ~= m.col and #m.col.content == #c.content + 1 then
      local all = true
      for _, w in ipairs(c.content) do all = all and words[w] == true end
      if all then return true end
    end
  end
  return false
end

-- Columns named with no cue a rule read: a measure takes the measure's place, a category the
-- groups' place ("by genre" on a line over time adds series instead), "use X instead of Y"
-- replaces Y.
-- A column of numbers that are levels rather than amounts: whole numbers that repeat (cylinders),
-- or any few numbers each on many rows (doses 0.5, 1, 2): "by" it groups.
local function few_levels(c)
  return c.discrete or (c.distinct or 99) <= 12 and (c.distinct or 99) * 5 <= (c.count or 0)
end

local ONLY = set [[only just]]
local function on_chart_field(enc, name)
  for _, ch in pairs(enc) do if type(ch) == "table" and ch.field == name then return true end end
  return false
end
function M.slot(ctx)
  local spec, enc = ctx.spec, ctx.spec.encoding
  local free = ctx:free_mentions()
  for idx, m in ipairs(free) do
    -- a weak reading right after "by"/"per" ("by city" for location) is still the groups asked for
    local after_by = GROUP_WORDS[ctx:w(m.i - 1) or ""] and m.score >= 0.45
    if (m.score < 0.6 and not after_by and not variant_of_drawn(ctx, m)) or m.col.role == "id" and m.score < 0.8 then
      m.used = true -- a weak reading: a word of the sentence rather than a column
    end
    -- "only polls from june", "only national polls" (polls ~ pollster): the rows kept, named loosely
    -- after a filter cue, are no column to split by
    local k = m.i - 1
    while k > m.i - 3 and ctx:w(k) and not ONLY[ctx:w(k)] and ctx:free(k) and not ctx:mention_at(k) do k = k - 1 end
    if m.score < 0.9 and ONLY[ctx:w(k) or ""] and not on_chart_field(enc, m.col.name) then m.used = true end
    -- "avg over the years", "total across all regions": the column an aggregate is taken across,
    -- pooled, not drawn
    local k0 = m.i - 1
    while ctx:w(k0) == "the" or ctx:w(k0) == "all" do k0 = k0 - 1 end
    local aggregated = false
    for _, t in ipairs(ctx.tokens) do aggregated = aggregated or lex.aggregate[t.w or ""] ~= nil end
    if ctx:open(m) and (ctx:w(k0) == "over" or ctx:w(k0) == "across") and not on_chart_field(enc, m.col.name)
        and aggregated then
      for j = k0, m.i - 1 do ctx:mark(j) end
      ctx:take(m)
    end
    -- "both sexes added together", "regions combined", "pool the years": the column's groups summed
    -- into one — taken off the chart (and out of any filter), not drawn
    local pooled = POOLED[ctx:w(m.j + 1) or ""] and (POOLED[ctx:w(m.j + 2) or ""] and m.j + 2 or m.j + 1)
      or POOL_VERBS[ctx:w(m.i - 1) or ""] and m.i - 1
      or POOL_VERBS[ctx:w(m.i - 2) or ""] and ctx:w(m.i - 1) == "the" and m.i - 2
    if ctx:open(m) and pooled then
      if pooled < m.i then
        for j = pooled, m.i - 1 do ctx:mark(j) end
      else
        for j = m.j + 1, pooled do ctx:mark(j) end
      end
      if ctx:w(m.i - 1) == "both" or ctx:w(m.i - 1) == "all" then ctx:mark(m.i - 1) end
      ctx:take(m)
      for _, ch in ipairs { "color", "column", "row" } do
        if enc[ch] and enc[ch].field == m.col.name then enc[ch] = nil end
      end
      require("planner.edits.rows").drop_filters(spec, m.col.name)
      ctx:edit("pooled")
    end
    -- "not Y, X", "not Y but X": X in Y's place
    local replaced
    local nxt = free[idx + 1]
    local neg = m.i - 1
    -- (past the article and a word of the column's phrase: "not the money spent")
    while (ARTICLE[ctx:w(neg) or ""] or ctx:w(neg) and ctx:free(neg) and not ctx:mention_at(neg) and neg >= m.i - 2)
        and ctx:w(neg) ~= "not" do
      neg = neg - 1
    end
    if ctx:open(m) and ctx:w(neg) == "not" and nxt and ctx:open(nxt) then
      local plain = true
      for j = m.j + 1, nxt.i - 1 do
        local w = ctx:w(j)
        if w and not ARTICLE[w] and w ~= "but" and w ~= "rather" and w ~= "instead" then plain = false end
      end
      for _, ch in ipairs { "x", "y", "color", "theta", "column", "row" } do
        if plain and enc[ch] and enc[ch].field == m.col.name then replaced = ch end
      end
      if replaced then
        for j = neg, m.i - 1 do ctx:mark(j) end
        for j = m.j + 1, nxt.i - 1 do ctx:mark(j) end
        ctx:take(m)
        m, nxt = nxt, nil
      end
    end
    -- "raw values, not adjusted": a column named only to be refused, and not drawn, is no column to add
    if ctx:open(m) and not replaced and (ctx:w(neg) == "not" or ctx:w(m.i - 1) == "non")
        and not on_chart_field(enc, m.col.name) then
      for j = math.min(neg, m.i - 1), m.i - 1 do ctx:mark(j) end
      ctx:take(m)
      ctx:note(("the chart does not draw %s"):format(m.col.name))
    end
    if ctx:open(m) then
      local field = m.col.name
      local ftype = ctx.df.types[field]
      -- "X instead of Y" / "X rather than Y" / "X not Y"
      if nxt and not replaced then
        local mid = {}
        for k = m.j + 1, nxt.i - 1 do if ctx:w(k) and not ARTICLE[ctx:w(k)] then mid[#mid + 1] = ctx:w(k) end end
        local between = table.concat(mid, " ")
        if between == "instead of" or between == "rather than" or between == "not" or between == "in place of" then
          for _, ch in ipairs { "x", "y", "color", "theta", "column", "row" } do
            if enc[ch] and enc[ch].field == nxt.col.name then replaced = ch end
          end
          if replaced then
            for k = m.j + 1, nxt.i - 1 do ctx:mark(k) end
            ctx:take(nxt)
          end
        end
      end
      ctx:take(m)
      -- "do uterine irritability instead" on bars by hypertension: a column of levels said
      -- "instead" takes the place of the levels on x
      local instead = not replaced and ctx:find({ instead = true }, m.j + 1, 3)
      local xcol = enc.x and enc.x.field and ctx.prof and ctx.prof.by_name[enc.x.field]
      if instead and xcol and xcol.name ~= field and ftype == "quantitative" and few_levels(m.col)
          and (few_levels(xcol) or xcol.role ~= "measure") and spec.type ~= "scatter" and spec.type ~= "histogram" then
        replaced = "x"
        ctx:mark(instead)
      end
      local prev = ctx:w(m.i - 1)
      local next_word = ctx:w(m.j + 1)
      local grouped = GROUP_WORDS[prev or ""] or next_word == "groups" or next_word == "group" or next_word == "grouping"
      if grouped and (next_word == "groups" or next_word == "group") then ctx:mark(m.j + 1) end
      local on_chart
      for _, ch in ipairs { "x", "y", "color", "theta", "column", "row" } do
        if enc[ch] and enc[ch].field == field then on_chart = ch end
      end
      -- "drop the region", "without country": a column named to be taken away
      -- (also the last of a list: "drop alaska, hawaii and the territories")
      local removed = false
      for k = m.i - 1, math.max(1, m.i - 8), -1 do
        local w = ctx:w(k)
        if REMOVE[w or ""] then removed = k; break end
        local listed = ctx.tokens[k].p == "," or w and (lex.stop[w] or w == "out" or ctx.used[k])
        if not listed then break end
      end
      if removed and not replaced then
        ctx:mark(removed)
        if on_chart == "color" or on_chart == "column" or on_chart == "row" then
          enc[on_chart] = nil
          ctx:edit(on_chart == "color" and "color" or "facet")
        else
          ctx:note(on_chart and (field .. " is what the chart shows; name another column to use instead")
            or (field .. " is not on the chart"))
        end
      elseif spec.type == "histogram" and (prev == "by" or prev == "per") and not on_chart and not replaced
          and not enc.color and not also_said(ctx) then
        -- "by state" on a histogram of a measure: the measure by state, as bars of its usual aggregate
        -- ("split by"/"colour by" are read before, as colours)
        local measure = enc.x.field
        if channels.convert(spec, "bar", ctx.df, { groups = { field }, measures = { measure } }) then
          enc = spec.encoding
          enc.y.aggregate = M.default_aggregate(ctx, measure)
          ctx:edit("field")
        end
      elseif on_chart and not replaced then
        -- nothing to move (and nothing to say when this request put it there)
        if #ctx.edits == 0 then ctx:note(field .. " is on the chart already") end
      elseif replaced then
        local agg = enc[replaced].aggregate
        enc[replaced] = channels.of(ctx.df, field, { aggregate = agg })
        if spec.type == "histogram" and replaced == "x" then enc.x.bin = true end
        ctx:edit("field")
      elseif ftype == "quantitative" and not (few_levels(m.col) and grouped) and not (m.col.role == "time" and grouped) then
        -- a measure
        if spec.type == "scatter" or spec.type == "bubble" then
          local present = (enc.x and enc.x.field == field) or (enc.y and enc.y.field == field)
          -- "against weight", "vs year": what a scatter is plotted against is its x
          local against = prev == "against" or prev == "vs" or prev == "versus"
          if against then ctx:mark(m.i - 1) end
          if not present then enc[against and "x" or "y"] = channels.of(ctx.df, field) end
        elseif spec.type == "histogram" then
          enc.x = channels.of(ctx.df, field, { bin = enc.x and enc.x.bin or true })
        elseif spec.type == "heatmap" then
          local agg = enc.color and enc.color.aggregate
          enc.color = channels.of(ctx.df, field, { aggregate = agg or "mean" })
        else
          local ch = channels.measure(enc) or (spec.type == "pie" and "theta" or "y")
          local agg = enc[ch] and enc[ch].aggregate
          -- (a chart of one row per mark draws the new measure as it is, too)
          local as_is = enc[ch] and enc[ch].field and agg == nil
            and require("planner.profile").one_row_each(ctx.df, enc)
          if agg == "count" or agg == nil and spec.type ~= "box" and not as_is then
            agg = M.default_aggregate(ctx, field)
          end
          if spec.type == "box" then agg = nil end
          enc[ch] = channels.of(ctx.df, field, { aggregate = agg })
        end
        ctx:edit("field")
      else
        -- a grouping column
        local gch = channels.groups(spec) or "x"
        local cur = enc[gch]
        local over_time = cur and cur.type == "temporal" and ftype ~= "temporal"
        -- "by island too", "and by sex as well": another split, kept beside the groups
        local also = also_said(ctx)
        if also and type(also) == "number" then ctx:mark(also) end
        if also and cur and cur.field ~= field and not enc.color and spec.type ~= "pie" and spec.type ~= "donut" then
          over_time = true
        end
        -- "actually by X" / "no, by X" on a chart split by colour corrects the split, not the groups
        local corrects = enc.color and enc.color.field ~= field and cur and cur.field ~= field
          and CORRECTION[ctx:w(1) or ""] and ftype ~= "quantitative"
        if corrects then over_time = true end
        if same_again(ctx, m) and not also then over_time = false end
        -- "no wait, by vs" after "facet by am": on a chart split in panels, not by colour, the
        -- correction is of its panels
        local panels = enc.column and "column" or enc.row and "row"
        if CORRECTION[ctx:w(1) or ""] and panels and enc[panels].field ~= field and not enc.color
            and not (cur and cur.field == field) and not also then
          enc[panels] = channels.of(ctx.df, field)
          enc[panels].type = "nominal"
          ctx:edit("facet")
        elseif cur and cur.field == field then
          if #ctx.edits == 0 then ctx:note(field .. " is on the chart already") end
        elseif spec.type == "histogram" or spec.type == "scatter"
            or over_time and spec.type ~= "pie" and spec.type ~= "donut" then
          enc.color = channels.of(ctx.df, field)
          if ftype == "quantitative" and spec.type ~= "scatter" then enc.color.type = "nominal" end
          ctx:edit("color")
        else
          enc[gch] = channels.of(ctx.df, field)
          if ftype == "quantitative" then enc[gch].type = m.col.role == "time" and "ordinal" or "nominal" end
          if enc.color and enc.color.field == field then enc.color = nil end
          ctx:edit("field")
        end
        if grouped then ctx:mark(m.i - 1) end
      end
    end
  end
end

return M
