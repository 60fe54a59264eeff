-- Follow-up rules about looks: titles and axis titles, theme, size, format, log scale, bins,
-- and the styling words that map to something a spec has (config: grid lines, markers, line
-- width, point size, a single series' colour, legend position, label angle). A styling request
-- the rules cannot apply is acknowledged in the reply's notes, and the chart stays as it was.
local color = require "layout.color"
local lex = require "planner.lexicon"
local vocab = require "planner.edits.vocab"
local numbers = require "planner.edits.numbers"
local offline = require "planner.offline"

local M = {}

local function config(spec, group)
  spec.config = spec.config or {}
  spec.config[group] = spec.config[group] or {}
  return spec.config[group]
end

local function spec_config(spec)
  spec.config = spec.config or {}
  return spec.config
end

local function set_option(spec, key, value)
  spec.options = spec.options or {}
  spec.options[key] = value
  if next(spec.options) == nil then spec.options = nil end
end

local NEGATE = { no = true, remove = true, without = true, hide = true, drop = true, off = true, ["don't"] = true,
  ["not"] = true, disable = true, lose = true, kill = true, none = true }
local function negated(ctx, i)
  for k = math.max(1, i - 3), math.min(#ctx.tokens, i + 1) do
    local w = ctx:w(k)
    if w and NEGATE[w] then return k end
  end
  return nil
end

-- Titles -------------------------------------------------------------------------

-- cue pattern → what it names; the text after it (quoted, or to the end) is the title.
local TITLE_CUES = {
  { "%f[%a][xX][%s%-]?axis%s+title[sd]?%f[%A]", "x" }, { "%f[%a][yY][%s%-]?axis%s+title[sd]?%f[%A]", "y" },
  { "%f[%a]rename%s+the%s+([xy])%s*%-?%s*axis%f[%A]", "axis" }, { "%f[%a]label%s+the%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  { "%f[%a]call%s+the%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  { "%f[%a]rename%s+([xy])%s*%-?%s*axis%f[%A]", "axis" }, { "%f[%a]label%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  { "%f[%a]call%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  -- "y title Amount", "x label: Year", "y-axis name 'Sales'" (a label with its words after a colon,
  -- an equals sign or in quotes: "x labels 45 degrees" is their angle)
  { "%f[%a]([xy])%s*%-?%s*title[sd]?%f[%A]", "axis" }, { "%f[%a]([xy])%s*%-?%s*axis%s+name%f[%A]", "axis" },
  { "%f[%a]([xy])%s*%-?%s*axis%s+label%s*[:=]", "axis" }, { "%f[%a]([xy])%s*%-?%s*label%s*[:=]", "axis" },
  { "%f[%a]([xy])%s*%-?%s*axis%s+label%s+%f[\"“'‘]", "axis" }, { "%f[%a]([xy])%s*%-?%s*label%s+%f[\"“'‘]", "axis" },
  -- a verb, the axis, its words: "title the y axis X", "name the x axis X", "label y as X", "y axis: X"
  { "%f[%a]title%s+the%s+([xy])%s*%-?%s*axis%f[%A]", "axis" }, { "%f[%a]name%s+the%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  { "%f[%a]title%s+([xy])%s*%-?%s*axis%f[%A]", "axis" }, { "%f[%a]name%s+([xy])%s*%-?%s*axis%f[%A]", "axis" },
  { "%f[%a]label%s+the%s+([xy])%s+as%f[%A]", "axis" }, { "%f[%a]label%s+([xy])%s+as%f[%A]", "axis" },
  { "%f[%a]([xy])%s*%-?%s*axis%s*:", "axis" },
  -- an axis not said which, its words quoted or after a colon: "axis label 'thousands of jobs'"
  { "%f[%a]axis%s+label%s*[:=]", "either" }, { "%f[%a]axis%s+label%s+%f[\"“'‘]", "either" },
  { "%f[%a]label%s+the%s+axis%s*[:=]?%s*%f[\"“'‘]", "either" },
  { "%f[%a]axis%s+title%s*[:=]", "either" }, { "%f[%a]axis%s+title%s+%f[\"“'‘]", "either" },
  -- a verb and the axis not said which, its words after it: "label axis Kelvin", "rename the axis to households"
  { "%f[%a]label%s+axis%f[%A]", "either" }, { "%f[%a]label%s+the%s+axis%f[%A]", "either" },
  { "%f[%a]rename%s+axis%f[%A]", "either" }, { "%f[%a]rename%s+the%s+axis%f[%A]", "either" },
  { "%f[%a]call%s+the%s+axis%f[%A]", "either" }, { "%f[%a]title%s+the%s+axis%f[%A]", "either" },
  { "%f[%a]name%s+the%s+axis%f[%A]", "either" },
  -- the legend's heading: "legend title 'Area'", "make the legend say X", "call the legend X"
  { "%f[%a]legend%s+title[sd]?%f[%A]", "legend" }, { "%f[%a]legend%s+to%s+say%f[%A]", "legend" },
  { "%f[%a]legend%s+says?%f[%A]", "legend" }, { "%f[%a]legend%s+heading%f[%A]", "legend" },
  { "%f[%a]legend%s+name%f[%A]", "legend" }, { "%f[%a]rename%s+the%s+legend%f[%A]", "legend" },
  { "%f[%a]call%s+the%s+legend%f[%A]", "legend" }, { "%f[%a]title%s+the%s+legend%f[%A]", "legend" },
  { "%f[%a]rename%s+the%s+chart%f[%A]", "title" }, { "%f[%a]rename%s+chart%f[%A]", "title" },
  { "%f[%a]retitle%f[%A]", "title" }, { "%f[%a]name%s+the%s+chart%f[%A]", "title" }, { "%f[%a]call%s+the%s+chart%f[%A]", "title" },
  { "%f[%a]name%s+the%s+graph%f[%A]", "title" }, { "%f[%a]call%s+the%s+graph%f[%A]", "title" },
  { "%f[%a]rename%s+it%f[%A]", "title" },
  { "%f[%a]sub%-?title[ds]?%f[%A]", "subtitle" }, { "%f[%a]title[ds]?%f[%A]", "title" },
  { "%f[%a]call it%f[%A]", "title" }, { "%f[%a]name it%f[%A]", "title" }, { "%f[%a]heading%f[%A]", "title" },
}
local POLITE_TAILS = { "please", "pls", "plz", "thanks", "thank you", "thx", "thanks a lot", "cheers", "as well" }
local LEADS = { "it", "to", "as", "saying", "of", "that", "reading", "which", "says", "should be", "be", "is" }

-- The prompt with the typos of command words corrected in place ("titel", "subtitlle", "labbel"),
-- case kept elsewhere.
local function corrected(ctx)
  local prompt = ctx.prompt
  for _, t in ipairs(ctx.tokens) do
    if t.typo and t.w then
      local s, e = prompt:lower():find("%f[%w]" .. t.typo:gsub("%p", "%%%0") .. "%f[%W]")
      if s then prompt = prompt:sub(1, s - 1) .. t.w .. prompt:sub(e + 1) end
    end
  end
  return prompt
end

-- Which axis a title said of "the axis" belongs to: x when it names x's column (or a time word
-- over a time axis: "Year"), else the axis of the measure, y.
local TIME_TITLE = { year = true, years = true, month = true, months = true, date = true, day = true, time = true,
  week = true, quarter = true }
local function axis_named(spec, text)
  local x = spec.encoding.x
  local low = text:lower()
  if x and x.field then
    local own = {}
    for w in x.field:lower():gmatch("%a+") do own[w] = true end
    for w in low:gmatch("%a+") do
      if #w >= 3 and own[w] or x.type == "temporal" and TIME_TITLE[w] then return "x" end
    end
  end
  return "y"
end

-- "axis labels: 'Median weeks' and 'Unemployed (k)'": two quoted texts for the axes, x then y.
local function axis_pair(ctx, prompt)
  local low = prompt:lower()
  local at = low:find("%f[%a]axis%s+labels%f[%A]") or low:find("%f[%a]axis%s+titles%f[%A]")
  if not at then return false end
  local texts = {}
  for q in prompt:sub(at):gmatch("[\"“'‘]([^\"”’']+)[\"”'’]") do texts[#texts + 1] = q end
  if #texts ~= 2 then return false end
  local enc = ctx.spec.encoding
  if not (enc.x and enc.y) then return false end
  enc.x.title, enc.y.title = texts[1], texts[2]
  for i = 1, #ctx.tokens do ctx:mark(i) end
  ctx:edit("axis title")
  return true
end

function M.titles(ctx)
  local prompt = corrected(ctx)
  if axis_pair(ctx, prompt) then return end
  local lower = prompt:lower()
  local which, s, e, axis
  for _, cue in ipairs(TITLE_CUES) do
    local s0, e0, cap = lower:find(cue[1])
    if s0 then which, s, e, axis = cue[2], s0, e0, cap; break end
  end
  if not which then return end
  if which == "axis" then which = axis end
  local rest = prompt:sub(e + 1)
  local text = rest:match("[\"“'‘]([^\"”’]+)[\"”'’]")
  if not text then
    -- ("a title as well: X", "a title too: X": the words before the colon are not the title's)
    text = rest:gsub("^%s*[Aa]s%s+well%s*([:=])", "%1"):gsub("^%s*[Tt]oo%s*([:=])", "%1")
    -- (after a colon the words are the title's as typed: "title: As good as it gets")
    local verbatim = text:match("^%s*[:=]") ~= nil
    text = text:gsub("^%s*[:=]?%s*", "")
    for _ = 1, verbatim and 0 or 2 do
      for _, lead in ipairs(LEADS) do
        local low = text:lower()
        if low:sub(1, #lead + 1) == lead .. " " then text = text:sub(#lead + 2) end
      end
    end
    -- the end of the sentence, not of the title: "… please", "…, thanks!", "…?"
    local before
    repeat
      before = text
      text = text:gsub("[%.!%?]+%s*$", ""):gsub("%s+$", "")
      for _, tail in ipairs(POLITE_TAILS) do
        local low = text:lower()
        if low == tail then
          text = ""
        elseif #low > #tail and low:sub(-#tail) == tail and low:sub(-#tail - 1, -#tail - 1):match("[%s,]") then
          text = text:sub(1, -#tail - 1):gsub("[%s,]+$", "")
        end
      end
    until text == before
    text = text:gsub("^%s+", "")
    -- "put a title on it", "add a title to the chart": where it goes, not what it says
    local low = text:lower()
    for _, place in ipairs { "on it", "to it", "for it", "on the chart", "to the chart", "on the graph",
        "to the graph", "on this", "to this", "on top" } do
      if low == place then text = "" end
    end
  end
  local remove = (text == "" or text:lower() == "off" or text:lower() == "none") and lower:find("%f[%a]remove%f[%A]")
    or lower:find("%f[%a]no title%f[%A]") or lower:find("%f[%a]remove the title%f[%A]")
  -- "add a title", "give it a title please": no words for it, so the chart's own title, said
  local untold = text == "" and not remove and which == "title"
    and (lower:find("%f[%a]add%f[%A]") or lower:find("%f[%a]give%f[%A]") or lower:find("%f[%a]put%f[%A]")
      or lower:find("%f[%a]show%f[%A]") or lower:find("%f[%a]include%f[%A]"))
  if text == "" and not remove and not untold then return end
  if untold then
    for i = 1, #ctx.tokens do ctx:mark(i) end
    if not ctx.spec.title or ctx.spec.title == "" then ctx.spec.title = offline.title_of(ctx.spec) end
    ctx:note(('the chart is titled "%s"; say title: followed by your own words to change it'):format(ctx.spec.title))
    ctx:edit("title")
    return
  end
  -- the cue and the title's own words are explained (and hidden from the other rules)
  local cue_end = #offline.tokenize(prompt:sub(1, e))
  local cue_start = #offline.tokenize(prompt:sub(1, s - 1)) + 1
  local low_text = text:lower()
  for i, t in ipairs(ctx.tokens) do
    if i >= cue_start and i <= cue_end then ctx:mark(i) end
    -- (a title's word read as a typo of a command word is still the title's; so is its "%",
    -- which the tokens spell "percent")
    if t.w and i > cue_end and (low_text:find(t.w, 1, true) or t.typo and low_text:find(t.typo, 1, true)
        or t.w == "percent" and low_text:find("%", 1, true)) then
      ctx:mark(i)
      ctx.tokens[i] = { p = "title" }
    end
    if t.w and i < cue_start and i >= cue_start - 2 and (t.w == "add" or t.w == "change" or t.w == "set"
        or t.w == "the" or t.w == "a" or t.w == "make" or t.w == "put") then
      ctx:mark(i)
    end
  end
  local spec = ctx.spec
  if which == "either" then which = axis_named(spec, text) end
  if which == "x" or which == "y" then
    local ch = spec.encoding[which]
    if spec.type == "bar" and spec.options and spec.options.horizontal then ch = spec.encoding[which == "x" and "y" or "x"] end
    if not ch then ctx:note("this chart has no " .. which .. " axis to title"); return end
    ch.title = text
    ctx:edit("axis title")
  elseif which == "legend" then
    local ch = spec.encoding.color or spec.encoding.size
    if not ch then ctx:note("this chart has no legend to title"); return end
    ch.title = (not remove) and text or nil
    ctx:edit("legend title")
  else
    spec[which] = (not remove) and text or nil
    if remove and which == "title" then spec.title = "" end
    ctx:edit(which)
  end
end

-- Theme, size, format ----------------------------------------------------------------

local THEME_WORDS = { dark = "dark", light = "light", night = "dark", black = "dark", white = "light",
  colorblind = "colourblind", colourblind = "colourblind", grayscale = "print", greyscale = "print",
  monochrome = "print", print = "print", printer = "print", minimal = "minimal", minimalist = "minimal" }
local THEME_CUES = { theme = true, mode = true, background = true, colors = true, colours = true, friendly = true,
  safe = true, version = true, style = true, palette = true }

local function theme_names()
  local known = {}
  local ok, themes = pcall(require, "themes")
  if ok and type(themes) == "table" and type(themes.names) == "function" then
    local listed, names = pcall(themes.names)
    if listed then for _, n in ipairs(names) do known[n] = n end end
  end
  return known
end

-- Whether the request says nothing but word i (the rest filler, stop words or talk): "actually,
-- make it dark please" is the word "dark" alone.
local function alone(ctx, i)
  for k, t in ipairs(ctx.tokens) do
    if k ~= i and t.w and not ctx.talk[k] and not vocab.filler[t.w] and not lex.stop[t.w] then return false end
  end
  return true
end

-- "colour-blind friendly", "color blind safe": the two words of "colourblind" typed apart
local function colour_blind(ctx, i)
  local w = ctx:w(i)
  return (w == "colour" or w == "color" or w == "colours" or w == "colors") and ctx:w(i + 1) == "blind"
    and ctx:free(i + 1)
end

function M.theme(ctx)
  local known = theme_names()
  for i, t in ipairs(ctx.tokens) do
    -- (a column's own name is that column: "just the white" over columns black and white)
    local own = ctx:mention_at(i) and ctx:mention_at(i).score >= 1
    -- ("less dark colours", "more light": the character of the colours, style.scheme)
    local degree = ctx:w(i - 1) == "less" or ctx:w(i - 1) == "more" or ctx:w(i - 1) == "not"
    local name = t.w and ctx:free(i) and not own and not degree and (known[t.w] or THEME_WORDS[t.w])
    if not name and t.w and ctx:free(i) and colour_blind(ctx, i) then
      name = "colourblind"
      ctx:mark(i + 1)
      for k = i - 2, i + 3 do
        local w = ctx:w(k)
        if w == "colours" or w == "colors" or w == "palette" or w == "people" or w == "viewers" then ctx:mark(k) end
      end
    end
    if name and known[name] then
      local cue
      for _, k in ipairs { i - 1, i + 1, i + 2 } do
        if THEME_CUES[ctx:w(k) or ""] then cue = k end
      end
      -- "black and white", a bare theme name, or a name with a cue; "light blue" is a colour
      local bw = t.w == "black" and ctx:w(i + 1) == "and" and ctx:w(i + 2) == "white"
      if bw then name = "print"; ctx:mark(i + 1, i + 2) end
      local colour_next = ctx:w(i + 1) and color.named(ctx:w(i + 1)) ~= nil
      if (cue or bw or #ctx.tokens <= 3 or alone(ctx, i) or known[t.w] and t.w ~= "light" and t.w ~= "dark" and t.w ~= "print"
          and t.w ~= "minimal") and not colour_next then
        ctx:mark(i)
        if cue then ctx:mark(cue) end
        ctx.spec.theme = name
        ctx:edit("theme")
        return
      end
    end
  end
end

local BIGGER = { bigger = 1.5, larger = 1.5, big = 1.5, huge = 2, smaller = 0.7, tiny = 0.5, small = 0.7, shrink = 0.7,
  enlarge = 1.5, compact = 0.7 }
-- words that may come before "bigger" when it is about the whole chart ("make it a bit bigger")
local MULTIPLE = { twice = 2, double = 2, triple = 3, half = 0.5 }
-- the chart's size times f, within what the renderer draws
local function scale(ctx, f)
  local spec = ctx.spec
  spec.width = math.max(100, math.min(8192, math.floor((spec.width or 800) * f)))
  spec.height = math.max(80, math.min(8192, math.floor((spec.height or 600) * f)))
  ctx:edit("size")
end
local BEFORE_BIGGER = vocab.set [[it make much bit little chart please pls plz even lot way more]]
function M.size(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    local wd, ht = (t.w or ""):match("^(%d+)x(%d+)$")
    if wd and ctx:free(i) then
      ctx:mark(i)
      spec.width, spec.height = math.tointeger(tonumber(wd)), math.tointeger(tonumber(ht))
      ctx:edit("size")
      return
    end
    -- "1200 wide", "600 tall", "width 1000"
    local n = t.w and t.w:match("^%d+$") and tonumber(t.w)
    if n and ctx:free(i) and n >= 100 and n <= 8192 then
      local nxt, prev = ctx:w(i + 1), ctx:w(i - 1)
      -- "800 by 400", "800 x 400": width and height
      local ht = (nxt == "by" or nxt == "x") and ctx:w(i + 2) and ctx:w(i + 2):match("^%d+$") and tonumber(ctx:w(i + 2))
      if ht and ht >= 80 and ht <= 8192 then
        ctx:mark(i, i + 1, i + 2)
        spec.width, spec.height = math.tointeger(n), math.tointeger(ht)
        ctx:edit("size")
        return
      end
      local dim = (nxt == "wide" or prev == "width" or nxt == "px" and ctx:w(i + 2) == "wide") and "width"
        or (nxt == "tall" or nxt == "high" or prev == "height") and "height" or nil
      if dim then
        ctx:mark(i, i + 1, i - 1)
        spec[dim] = math.tointeger(n)
        ctx:edit("size")
        return
      end
    end
  end
  -- "twice as big", "double the size", "half the size", "3 times bigger"
  for i, t in ipairs(ctx.tokens) do
    local f = MULTIPLE[t.w or ""] or t.w and tonumber(t.w) and ctx:w(i + 1) == "times" and tonumber(t.w)
    local k = f and (ctx:w(i + 1) == "times" and i + 2 or i + 1)
    if f and (ctx:w(k) == "as" or ctx:w(k) == "the") then k = k + 1 end
    local what = k and ctx:w(k)
    local sized = what == "size" or what == "big" or what == "bigger" or what == "large" or what == "larger"
    if f and ctx:free(i) and sized and f > 0 and f <= 4 then
      for j = i, k do ctx:mark(j) end
      scale(ctx, f)
      return
    end
  end
  -- "bigger please", "make it larger", "wider", "taller": only when nothing else is named
  for i, t in ipairs(ctx.tokens) do
    local f = t.w and ctx:free(i) and BIGGER[t.w]
    local nxt = ctx:w(i + 1)
    local about_chart = not nxt or nxt == "please" or nxt == "pls" or nxt == "chart" or nxt == "plot" or nxt == "graph"
      or nxt == "it" or nxt == "overall" or nxt == "so" or nxt == "and" and ctx:w(i + 2) ~= "thicker"
    if t.w == "wider" or t.w == "taller" then
      if about_chart and not (ctx.spec.type == "histogram" and ctx:has { bins = true, bin = true }) then
        ctx:mark(i)
        if t.w == "wider" then spec.width = math.min(8192, math.floor((spec.width or 800) * 1.5))
        else spec.height = math.min(8192, math.floor((spec.height or 600) * 1.5)) end
        ctx:edit("size")
        return
      end
    elseif f and about_chart and (ctx:w(i - 1) == nil or BEFORE_BIGGER[ctx:w(i - 1)] or ctx.talk[i - 1]) then
      ctx:mark(i)
      scale(ctx, f)
      return
    end
  end
end

function M.format(ctx)
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "svg" or t.w == "pdf" or t.w == "png") and ctx:free(i) then
      ctx:mark(i)
      ctx.spec.format = t.w
      ctx:edit("format")
      return
    end
  end
end

-- Scales and bins ---------------------------------------------------------------------

-- "log scale", "log y axis", "log scale on both axes", "logarithmic x", "linear scale".
function M.log(ctx)
  for i, t in ipairs(ctx.tokens) do
    local on = (t.w == "log" or t.w == "logarithmic" or t.w == "log10") and true or t.w == "linear" and false or nil
    if on == false and ctx:w(i + 1) ~= "scale" and ctx:w(i + 1) ~= "axis" and ctx:w(i + 1) ~= "axes" then on = nil end
    if on ~= nil and ctx:free(i) then
      ctx:mark(i)
      local axes = {}
      for k = math.max(1, i - 3), math.min(#ctx.tokens, i + 5) do
        local w = ctx:w(k)
        if w == "scale" or w == "scales" or w == "axis" or w == "axes" or w == "on" or w == "the" or w == "both"
            or w == "for" then ctx:mark(k) end
        if w == "x" or w == "y" then axes[w] = true; ctx:mark(k) end
        if w == "both" or w == "axes" and not (axes.x or axes.y) then axes.x, axes.y = true, true end
        if w == "horizontal" then axes.x = true; ctx:mark(k) end
        if w == "vertical" then axes.y = true; ctx:mark(k) end
        -- "log scale on the counts": the axis of the count
        if w and lex.count[lex.stem(w)] or w == "counts" or w == "number" then
          for _, name in ipairs { "x", "y" } do
            local ch = ctx.spec.encoding[name]
            if ch and ch.aggregate == "count" then axes[name] = true; ctx:mark(k) end
          end
        end
      end
      local spec = ctx.spec
      local enc = spec.encoding
      if not (axes.x or axes.y) then
        if spec.type == "histogram" then axes.x = true
        elseif spec.type == "bar" and spec.options and spec.options.horizontal then axes.y = true
        else axes.y = true end
      end
      local done = false
      for _, name in ipairs { "x", "y" } do
        local ch = axes[name] and enc[name]
        if ch and ch.type == "quantitative" then
          ch.scale = ch.scale or {}
          ch.scale.type = on and "log" or "linear"
          done = true
        end
      end
      if not done then
        -- the axis named holds categories (a horizontal chart): the chart's numbers are what can be logged
        for _, name in ipairs { "y", "x" } do
          local ch = enc[name]
          if not done and ch and ch.type == "quantitative" and not ch.bin then
            ch.scale = ch.scale or {}
            ch.scale.type = on and "log" or "linear"
            done = true
            ctx:note(("the %s axis shows categories, so the scale of %s changed"):format(axes.x and "x" or "y",
              ch.field or "the count"))
          end
        end
      end
      if not done then ctx:refuse("this chart has no numeric axis to put on a log scale"); return end
      ctx:edit("scale")
      return
    end
  end
end

-- Words between a count and "bins" that are not a unit ("10 equal bins", "20 more bins").
local NOT_A_UNIT = vocab.set [[equal equally even evenly more fewer less wider narrower smaller bigger larger
  same new different separate total wide narrow small big large thin thick extra]]
local EVEN = vocab.set [[equal equally even evenly same]]
-- A unit word after a number (token k) that chartd has no table for ("2 mph", "5 year", "10 f"):
-- the number is then a width in the column's own unit.
local function unit_word(ctx, k)
  local w = ctx:w(k)
  return w and w:match("^%a+$") and not NOT_A_UNIT[w] and not lex.stop[w] and not vocab.filler[w]
    and w ~= "bins" and w ~= "bin" and w ~= "buckets" and w ~= "bars"
end

-- "wider bins", "fewer bins", "5mm bins", "2 mph bins", "20 bins", "bin width of 500", "bins of 5 years".
function M.bins(ctx)
  local spec = ctx.spec
  local x = spec.encoding.x
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "bins" or t.w == "bin" or t.w == "buckets" or t.w == "bars" and spec.type == "histogram")
        and ctx:free(i) and x and x.bin then
      local bin = type(x.bin) == "table" and x.bin or {}
      local prev = ctx:w(i - 1)
      local num = numbers.read(ctx.tokens, i - 1) or (ctx:w(i - 1) and numbers.read(ctx.tokens, i - 2))
      -- "2 mph bins": the unit is one numbers has no table for
      if num and not num.unit and num.j == i - 2 and unit_word(ctx, i - 1) then
        num.unit_word, num.j = ctx:w(i - 1), i - 1
      elseif num and not num.unit and num.j == i - 2 and EVEN[ctx:w(i - 1)] then
        num.j = i - 1 -- "10 equal bins": a count
        ctx:mark(i - 2)
      end
      -- ("bins of 25", "bin width 250g", "bin size 5")
      local gap = ctx:w(i + 1) == "of" or ctx:w(i + 1) == "width" or ctx:w(i + 1) == "size"
      local after = numbers.read(ctx.tokens, i + 1) or (gap and numbers.read(ctx.tokens, i + 2))
      if after and not after.unit and unit_word(ctx, after.j + 1) and ctx:w(after.j + 1) ~= "wide" then
        after.unit_word, after.j = ctx:w(after.j + 1), after.j + 1
      end
      local change
      if prev == "wider" or prev == "bigger" or prev == "larger" or prev == "fewer" or prev == "less" then
        change = 0.5
      elseif prev == "narrower" or prev == "smaller" or prev == "thinner" or prev == "more" then
        change = 2
      end
      if change then
        local n = bin.maxbins or 10
        x.bin = { maxbins = math.max(2, math.min(200, math.floor(n * change + 0.5))) }
        if change > 1 and bin.step then x.bin = { step = bin.step / 2 } end
        if change < 1 and bin.step then x.bin = { step = bin.step * 2 } end
        ctx:mark(i, i - 1)
      elseif num and num.j == i - 1 and (num.unit or num.unit_word or prev ~= "of") and (num.unit or num.unit_word
          or num.value > 0 and num.value % 1 ~= 0) then
        -- "5mm bins", "2 mph bins", "0.5 bins": a width in the column's unit
        x.bin = { step = numbers.convert(num, x.field, ctx.prof) }
        ctx:mark(i, i - 1, num.unit_word and i - 2 or nil)
      elseif num and num.j == i - 1 then
        x.bin = { maxbins = math.max(1, math.min(200, math.floor(num.value))) }
        ctx:mark(i, i - 1)
      elseif after and (ctx:w(i + 1) == "of" or ctx:w(i - 1) == "width" or ctx:w(i + 1) == "width"
          or ctx:w(i + 1) == "size" or after.unit_word
          or ctx:w(after.j + 1) == "wide" or ctx:w(after.j + 2) == "wide") then
        if ctx:w(after.j + 1) == "wide" or ctx:w(after.j + 2) == "wide" then ctx:mark(after.j + 1, after.j + 2) end
        x.bin = { step = numbers.convert(after, x.field, ctx.prof) }
        ctx:mark(i, i + 1, i + 2, after.j)
      else
        return
      end
      for k = i - 3, i + 2 do
        local w = ctx:w(k)
        if w == "use" or w == "make" or w == "the" or w == "width" or w == "size" then ctx:mark(k) end
      end
      ctx:edit("bins")
      return
    end
  end
end

-- "y axis from 0 to 10", "x axis 0-100", "start the y axis at zero", "include zero".
function M.axis_range(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    local zero = (t.w == "zero" or t.w == "0") and ctx:free(i) and (ctx:w(i - 1) == "at" or ctx:w(i - 1) == "from"
      or ctx:w(i - 1) == "include" or ctx:w(i - 1) == "includes" or ctx:w(i - 1) == "including")
    local from = t.w == "from" or t.w == "between" or t.w == "range"
    if (zero or from) and ctx:free(i) then
      local axis, axis_word
      for k = math.max(1, i - 6), i do
        local w = ctx:w(k)
        if w == "x" or w == "y" then axis = w end
        if w == "x" or w == "y" or w == "axis" or w == "scale" or w == "range" then axis_word = true end
      end
      -- "between 1990 and 2000" alone is a filter of rows: a range is for an axis when one is named
      if from and not axis_word then from = false end
      local lo, hi, last
      if from then
        local j = i + 1
        while ctx:w(j) == "to" or ctx:w(j) == "of" or ctx:w(j) == "be" or ctx:w(j) == "is" do j = j + 1 end
        local a = numbers.read(ctx.tokens, j)
        local b = a and (numbers.read(ctx.tokens, a.j + 1) or
          (ctx:w(a.j + 1) == "to" or ctx:w(a.j + 1) == "and") and numbers.read(ctx.tokens, a.j + 2))
        if a and b then lo, hi, last = a.value, b.value, b.j end
      end
      if zero or lo then
        local ch = spec.encoding[axis or "y"]
        if spec.type == "bar" and spec.options and spec.options.horizontal and not axis then ch = spec.encoding.y end
        if not (ch and ch.type == "quantitative") then
          ctx:note("this chart has no numeric " .. (axis or "y") .. " axis to set a range on")
          ctx:mark(i)
          return
        end
        for k = math.max(1, i - 6), last or i do
          local w = ctx:w(k)
          if w and (w == "x" or w == "y" or w == "axis" or w == "the" or w == "start" or w == "starts" or w == "begin"
              or w == "should" or w == "at" or w == "from" or w == "to" or w == "range" or w == "set" or w == "make"
              or w == "include" or w == "zero" or w == "and" or w == "between" or tonumber(w)) then ctx:mark(k) end
        end
        ch.scale = ch.scale or {}
        if lo then
          ch.scale.domain = require("util.json").array({ math.min(lo, hi), math.max(lo, hi) })
        else
          ch.scale.zero = true
        end
        ctx:edit("axis range")
        return
      end
    end
  end
end

-- Colour schemes by their Vega names ("viridis", "blues", "redblue") or a description
-- ("red-blue diverging", "a diverging scheme").
M.SCHEMES = { viridis = "viridis", magma = "magma", inferno = "inferno", plasma = "plasma", cividis = "cividis",
  turbo = "turbo", blues = "blues", greens = "greens", greys = "greys", grays = "greys", oranges = "oranges",
  purples = "purples", reds = "reds", redblue = "redblue", redyellowblue = "redyellowblue",
  blueorange = "blueorange", purplegreen = "purplegreen", spectral = "spectral", rainbow = "rainbow",
  tableau10 = "tableau10", category10 = "category10", set2 = "set2", pastel1 = "pastel1", pastel2 = "pastel2",
  dark2 = "dark2" }
-- Words for a colour's character, by the way they move it: darker, lighter (paler, softer), more
-- vivid, more muted. "less bright" moves the other way.
local MOODS = { darker = "dark", dark = "dark", deeper = "dark", richer = "dark", lighter = "light",
  light = "light", paler = "light", pale = "light", softer = "light", soft = "light", pastel = "light",
  pastels = "light", muted = "muted", calmer = "muted", subtle = "muted", subtler = "muted", brighter = "vivid",
  bright = "vivid", vivid = "vivid", stronger = "vivid", bolder = "vivid", saturated = "vivid", punchier = "vivid" }
local OPPOSITE = { dark = "light", light = "dark", vivid = "muted", muted = "vivid" }
-- the scheme of each character for a chart split by colour
local MOOD_SCHEMES = { dark = "dark2", light = "pastel1", muted = "pastel2", vivid = "category10" }
-- the words before a mood that say "not so" ("less bright", "not so dark")
local NOT_SO = vocab.set [[less lesser not]]
local MARK_NOUNS = vocab.set [[bars bar line lines points dots dot slices areas area boxes markers marks it them]]
local HUES = { red = "reds", reds = "reds", blue = "blues", green = "greens", orange = "oranges",
  purple = "purples", grey = "greys", gray = "greys" }
local SCHEME_CUES = vocab.set [[scheme schemes palette shades tones hues gradient ramp scale]]
local FEWER = vocab.set [[fewer less lower smaller least lowest smallest]]
local COLOUR_NOUNS = vocab.set [[colour colours color colors shade shades tone tones]]

-- "darker colours for more people", "lighter for the higher values": which end of a colour ramp
-- the larger amounts take. The theme's ramp gives them the darker end; the other way is reversed.
local function ramp_direction(ctx)
  local ch = ctx.spec.encoding.color
  if not (ch and ch.type == "quantitative") then return false end
  for i, t in ipairs(ctx.tokens) do
    local dark = t.w == "darker" or t.w == "dark" or t.w == "deeper"
    if (dark or t.w == "lighter" or t.w == "light" or t.w == "paler") and ctx:free(i) then
      local k = i + 1
      if COLOUR_NOUNS[ctx:w(k) or ""] then k = k + 1 end
      while ctx:w(k) == "for" or ctx:w(k) == "where" or ctx:w(k) == "with" or ctx:w(k) == "the"
        or ctx:w(k) == "there" or ctx:w(k) == "are" or ctx:w(k) == "is" do k = k + 1 end
      local fewer = FEWER[ctx:w(k) or ""]
      local more = vocab.comparative[ctx:w(k) or ""] and not fewer
      if k > i + 1 and (more or fewer) then
        for j = i, math.min(#ctx.tokens, k + 2) do
          local m = ctx:mention_at(j)
          if m then ctx:take(m) end
          ctx:mark(j)
        end
        ch.scale = ch.scale or {}
        if (dark and more) or (not dark and fewer) then
          if ch.scale.reverse then ch.scale.reverse = nil; ctx:edit("colour scheme")
          else ctx:note("larger values already take the darker colours; the chart is unchanged") end
        else
          ch.scale.reverse = true
          ctx:edit("colour scheme")
        end
        if next(ch.scale) == nil then ch.scale = nil end
        return true
      end
    end
  end
  return false
end
-- The character a request asks of the colours ("dark", "light", "vivid", "muted"), its words
-- marked; nil when it names none, or names one without saying it is of the colours or marks.
local function mood(ctx)
  for i, t in ipairs(ctx.tokens) do
    local m = t.w and MOODS[t.w]
    -- ("dark green", "light blue" name a colour)
    if m and ctx:free(i) and not (ctx:w(i + 1) and color.named(t.w .. ctx:w(i + 1))) then
      local cue = ctx:find(COLOUR_NOUNS, math.max(1, i - 4), 7) or ctx:find(SCHEME_CUES, math.max(1, i - 4), 7)
      -- ("make the bars darker", "make it paler": comparatives said of the marks)
      local marks = not cue and ctx:find(MARK_NOUNS, math.max(1, i - 3), 7)
      if cue or marks and (t.w:match("er$") or t.w == "pastel" or t.w == "muted") then
        ctx:mark(i)
        if cue then ctx:mark(cue) end
        local before = ctx:w(i - 1)
        if before == "so" or before == "too" then
          ctx:mark(i - 1)
          before = ctx:w(i - 2)
          if NOT_SO[before or ""] then ctx:mark(i - 2) end
        elseif NOT_SO[before or ""] then
          ctx:mark(i - 1)
        end
        if NOT_SO[before or ""] then m = OPPOSITE[m] end
        return m
      end
    end
  end
end

-- One colour moved toward a character: darker, lighter, more or less vivid (in Lab, so the
-- hue stays).
local function shaded(hex, character)
  if character == "dark" then return color.mix(hex, "#000000", 0.3) end
  if character == "light" then return color.mix(hex, "#ffffff", 0.45) end
  local l, a, b = color.to_lab(hex)
  local k = character == "vivid" and 1.4 or 0.55
  return color.from_lab(character == "muted" and math.min(100, l + 8) or l, a * k, b * k)
end

-- The one colour of a chart not split by colour, moved toward a character.
local function shade_marks(ctx, character)
  local spec = ctx.spec
  local mark = spec.config and spec.config.mark
  local now = mark and mark.color
  if not now then
    local theme = require("themes").get(spec.theme or "light") or require("themes").get("light")
    now = theme.palette[1]
  end
  config(spec, "mark").color = shaded(now, character)
  ctx:edit("colour")
end

-- Schemes that run from one hue to another, by their ends (low, high); said the other way round
-- they are reversed.
local RAMPS = { { "yellow", "red", "yelloworangered" }, { "yellow", "brown", "yelloworangebrown" },
  { "yellow", "green", "yellowgreen" }, { "yellow", "blue", "yellowgreenblue" }, { "orange", "red", "orangered" },
  { "blue", "green", "bluegreen" }, { "blue", "purple", "bluepurple" }, { "green", "blue", "greenblue" },
  { "purple", "red", "purplered" }, { "red", "purple", "redpurple" }, { "red", "blue", "redblue" },
  { "blue", "orange", "blueorange" }, { "purple", "green", "purplegreen" }, { "purple", "orange", "purpleorange" },
  { "red", "grey", "redgrey" }, { "red", "gray", "redgrey" } }
local RAMPS_USED = {}
for _, r in ipairs(RAMPS) do RAMPS_USED[r[3]] = true end
local function hue_ramp(low)
  local a, b = low:match("(%a+)%s*%-?%s*to%s*%-?%s*(%a+)")
  if not a then a, b = low:match("from%s+(%a+)%s+to%s+(%a+)") end
  if not a then return nil end
  for _, r in ipairs(RAMPS) do
    if r[1] == a and r[2] == b then return r[3], false end
    if r[1] == b and r[2] == a then return r[3], true end
  end
  -- "white to blue", "light to dark green": the one hue's scheme
  local single = HUES[b] and (a == "white" or a == "light" or a == "pale") and HUES[b]
  if single then return single, false end
  return nil
end

local PALETTES = vocab.set [[scheme schemes palette palettes]]
local OTHER = vocab.set [[another different other new nicer better change]]
function M.scheme(ctx)
  if ramp_direction(ctx) then return end
  local spec = ctx.spec
  local p = ctx.prompt:lower():gsub("[%s%-_]", "")
  -- "a yellow-to-red scale", "from blue to green": the scheme that runs between the two hues
  local name, reverse = hue_ramp(ctx.prompt:lower())
  local ramp = name ~= nil
  for word in pairs(ramp and {} or M.SCHEMES) do
    if p:find(word, 1, true) and (not name or #word > #name) then name = word end
  end
  if not name and p:find("redandblue", 1, true) then name = "redblue" end
  -- "darker colours", "change colors to pastel", "make the bars darker": a colour of that character
  if not name then
    local character = mood(ctx)
    if character and not spec.encoding.color then
      shade_marks(ctx, character)
      return
    end
    name = character and MOOD_SCHEMES[character]
  end
  local diverging = ctx:find({ diverging = true, divergent = true }, 1)
  if not name and diverging then name = "redblue" end
  -- "a red colour scheme", "green palette": the single-hue scheme of that colour; on a chart
  -- of one colour it is that colour (mark_color), the scheme word explained here
  local hue_at = not name and ctx:find(HUES, 1)
  local cue = hue_at and ctx:find(SCHEME_CUES, math.max(1, hue_at - 3), 6)
  if hue_at and cue then
    if not spec.encoding.color then ctx:mark(cue); return end
    name = HUES[ctx:w(hue_at)]
  end
  -- "another colour scheme", "a nicer palette": which one is not said
  local asked = not name and ctx:find(PALETTES, 1)
  if asked then
    for k = math.max(1, asked - 3), asked do
      local w = ctx:w(k)
      if w and (k == asked or OTHER[w] or w == "colour" or w == "color" or w == "colours" or w == "colors") then
        ctx:mark(k)
      end
    end
    ctx:note("say which colour scheme: viridis, blues, reds, greens, redblue, pastel, …; the chart is unchanged")
    return
  end
  if not name then return end
  local ch = spec.encoding.color
  if not ch then
    ctx:note("a colour scheme colours a split or a heatmap; this chart has one colour")
    return
  end
  for i, t in ipairs(ctx.tokens) do
    local w = t.w and t.w:gsub("[%-_]", "")
    if w and (M.SCHEMES[w] or w == "diverging" or w == "divergent" or w == "scheme" or w == "palette"
        or w == "colours" or w == "colors" or w == "colour" or w == "color" or HUES[w] or SCHEME_CUES[w]
        or w == "use" or ramp and (color.named(w) or w == "to" or w == "from" or w == "light" or w == "dark")) then
      ctx:mark(i)
    end
  end
  ch.scale = ch.scale or {}
  ch.scale.scheme = M.SCHEMES[name] or name
  if reverse then ch.scale.reverse = true elseif ch.scale.reverse and RAMPS_USED[name] then ch.scale.reverse = nil end
  ctx:edit("colour scheme")
end

-- Styling -----------------------------------------------------------------------------

-- "gridlines off", "add gridlines", "horizontal gridlines only", "no grid".
function M.grid(ctx)
  for i, t in ipairs(ctx.tokens) do
    if t.w and (t.w:match("^gridlines?$") or t.w == "grid" and ctx:w(i + 1) ~= "of" or t.w == "gridlnes")
        and ctx:free(i) then
      ctx:mark(i)
      if ctx:w(i + 1) == "lines" then ctx:mark(i + 1) end
      local neg = negated(ctx, i)
      if neg then ctx:mark(neg) end
      local spec = ctx.spec
      local prev = ctx:w(i - 1)
      local only = ctx:find({ only = true, just = true }, math.max(1, i - 3), 6)
      if only then ctx:mark(only) end
      if prev == "horizontal" or prev == "vertical" then
        ctx:mark(i - 1)
        local axis = prev == "horizontal" and "axisY" or "axisX"
        local other = prev == "horizontal" and "axisX" or "axisY"
        config(spec, axis).grid = not neg
        if only then config(spec, other).grid = false end
      elseif prev == "major" or prev == "minor" then
        ctx:mark(i - 1)
        if prev == "minor" and not neg then
          ctx:note("chartd draws grid lines at the major ticks only")
        end
        if only or prev == "major" then config(spec, "axis").grid = true end
      else
        config(spec, "axis").grid = not neg
      end
      for k = i - 2, i + 2 do
        local w = ctx:w(k)
        if w == "add" or w == "show" or w == "the" or w == "turn" or w == "on" or w == "use" then ctx:mark(k) end
      end
      ctx:edit("gridlines")
      return
    end
  end
end

-- "add points on the line", "no markers", "do not use symbols".
local MARKERS = { marker = true, markers = true, symbol = true, symbols = true, points = true, point = true,
  dots = true, dot = true, circles = true }
function M.markers(ctx)
  local spec = ctx.spec
  if spec.type ~= "line" and spec.type ~= "step" and spec.type ~= "area" then return end
  for i, t in ipairs(ctx.tokens) do
    if t.w and MARKERS[t.w] and ctx:free(i) then
      ctx:mark(i)
      local neg = negated(ctx, i)
      if neg then ctx:mark(neg) end
      for k = i - 3, i + 3 do
        local w = ctx:w(k)
        if w == "add" or w == "show" or w == "use" or w == "on" or w == "the" or w == "line" or w == "lines"
            or w == "do" or w == "each" or w == "with" then ctx:mark(k) end
      end
      if spec.type == "area" then ctx:note("an area chart draws no point markers"); return end
      set_option(spec, "points", not neg)
      ctx:edit("markers")
      return
    end
  end
end

-- "thicker lines", "make the line thinner", "line width 3".
function M.line_width(ctx)
  local spec = ctx.spec
  for i, t in ipairs(ctx.tokens) do
    -- the adjective as well as its comparative ("bold lines", "a thin line")
    local f = (t.w == "thicker" or t.w == "bolder" or t.w == "heavier" or t.w == "thick" or t.w == "bold"
      or t.w == "heavy" or t.w == "fat" or t.w == "wider") and 2 or (t.w == "thinner" or t.w == "lighter"
      or t.w == "finer" or t.w == "thin" or t.w == "fine" or t.w == "narrower") and 0.5 or nil
    local target = ctx:find({ line = true, lines = true, stroke = true, strokes = true }, math.max(1, i - 3), 6)
    local width = t.w == "width" and (ctx:w(i - 1) == "line" or ctx:w(i - 1) == "stroke")
      and numbers.read(ctx.tokens, i + 1)
    if (f and target or width) and ctx:free(i) and spec.type ~= "bar" then
      ctx:mark(i)
      if target then ctx:mark(target) end
      local cur = spec.config and spec.config.line and spec.config.line.strokeWidth or 2
      config(spec, "line").strokeWidth = width and width.value or math.max(0.5, math.min(12, cur * f))
      if width then ctx:mark(i + 1, i - 1) end
      ctx:edit("line width")
      return
    end
  end
end

-- "make the dots bigger", "smaller points".
function M.point_size(ctx)
  local spec = ctx.spec
  if spec.type ~= "scatter" and spec.type ~= "line" and spec.type ~= "bubble" and spec.type ~= "strip" then return end
  for i, t in ipairs(ctx.tokens) do
    local f = (t.w == "bigger" or t.w == "larger" or t.w == "big") and 2 or (t.w == "smaller" or t.w == "tiny"
      or t.w == "small") and 0.5 or nil
    local dots = ctx:find({ dots = true, dot = true, points = true, point = true, markers = true, circles = true,
      bubbles = true, symbols = true }, math.max(1, i - 3), 6)
    if f and dots and ctx:free(i) then
      ctx:mark(i, dots)
      local cur = spec.config and spec.config.point and spec.config.point.size or 40
      config(spec, "point").size = math.max(4, math.min(2000, cur * f * f))
      ctx:edit("point size")
      return
    end
  end
end

-- "colour the bars dark green", "make it red", "light blue boxes", "use orange".
-- "make the negative bars red", "colour the bars above 100 green", "show the top bar in orange":
-- a colour for only some of the marks (words that pick them before the marks named, or a number
-- or a comparison after). chartd colours the marks all alike or by a column, so this is said in a
-- note and the chart kept: the words pick no rows and change no type.
local PAINT = vocab.set [[make colour color paint turn highlight show shade]]
local MARKS = vocab.set [[bar bars point points dot dots line lines column columns slice slices cell cells
  value values ones box boxes]]
local ALL_OF = vocab.set [[the all every each of a my its their colour color]]
local PICKS_AFTER = vocab.set [[above below over under than greater less more fewer higher lower negative positive
  for from in with where that which]]
function M.some_marks_coloured(ctx)
  for i, t in ipairs(ctx.tokens) do
    if t.w and PAINT[t.w] and ctx:free(i) then
      local noun, hue
      for k = i + 1, math.min(#ctx.tokens, i + 8) do
        local w = ctx:w(k)
        if not w then break end
        if not noun and MARKS[w] then noun = k
        elseif noun and color.named(w) and not lex.stop[w] then hue = k; break end
      end
      local some = false
      for k = i + 1, hue and hue - 1 or 0 do
        local w = ctx:w(k)
        if k < noun and not ALL_OF[w] then some = true end
        -- ("in" before the colour says how, not which: "the bars in red")
        if k > noun and (tonumber(w) or PICKS_AFTER[w] and not (w == "in" and k == hue - 1)) then some = true end
      end
      if some then
        for k = i, hue do ctx:mark(k) end
        local said = {}
        for k = i, hue do said[#said + 1] = ctx:w(k) end
        ctx:note(('not applied: "%s" (chartd colours all the marks alike or by a column, not some of them); '
          .. "the chart is unchanged"):format(table.concat(said, " ")))
        return
      end
    end
  end
end

function M.mark_color(ctx)
  local spec = ctx.spec
  for i = 1, #ctx.tokens do
    local w1, w2 = ctx:w(i), ctx:w(i + 1)
    local hex, span
    if w1 and w2 and ctx:free(i) and ctx:free(i + 1) and color.named(w1 .. w2) then
      hex, span = color.named(w1 .. w2), 2
    elseif w1 and ctx:free(i) and color.named(w1) and not lex.stop[w1] then
      hex, span = color.named(w1), 1
    end
    -- a colour word that is a value of the data ("Red" wine) is a filter, not a style, unless
    -- said as a colour ("use orange": rows.painted)
    if hex and not ctx:mention_at(i) then
      local v = ctx:value_mentions()
      for _, m in ipairs(v) do if m.i == i and not require("planner.edits.rows").painted(ctx, m) then hex = nil end end
    end
    -- theme words ("dark", "light", "black", "white") alone are themes
    if hex and span == 1 and (w1 == "dark" or w1 == "light" or w1 == "black" or w1 == "white") then hex = nil end
    if hex then
      ctx:mark(i)
      if span == 2 then ctx:mark(i + 1) end
      for k = i - 3, i + span + 2 do
        local w = ctx:w(k)
        if w == "color" or w == "colour" or w == "make" or w == "the" or w == "bars" or w == "bar" or w == "line"
            or w == "lines" or w == "dots" or w == "points" or w == "boxes" or w == "in" or w == "use" or w == "them"
            or w == "all" or w == "it" or w == "areas" or w == "area" or w == "slices" or w == "colored" or w == "coloured"
            or w == "paint" then ctx:mark(k) end
      end
      -- "colour them all the same grey": one colour for every mark, the split given up
      local same = ctx:find({ same = true }, 1) or ctx:find({ all = true }, 1) and ctx:find({ one = true, single = true }, 1)
      if same and spec.encoding.color and spec.type ~= "heatmap" then
        ctx:mark(same)
        spec.encoding.color = nil
        ctx:edit("color")
      end
      if spec.encoding.color and spec.type ~= "heatmap" then
        ctx:note("the chart has one colour per " .. (spec.encoding.color.field or "series")
          .. "; a single colour applies to a chart without a colour split")
        return
      end
      config(spec, "mark").color = hex
      ctx:edit("colour")
      return
    end
  end
end

-- How an axis writes its numbers: "y axis in thousands", "in $k", "format numbers with commas",
-- "as dollars", "as percentages", "no decimals", "2 decimal places". The axis said, else the
-- measure's (y; x on a horizontal bar's data is still encoding.y).
local SI = vocab.set [[thousands thousand millions million billions billion k m bn mn abbreviate abbreviated
  shorten shortened short compact]]
local COMMAS = vocab.set [[comma commas separator separators separated]]
local MONEY = vocab.set [[dollar dollars currency usd money]]
local PERCENT = vocab.set [[percent percents percentage percentages pct]]
local WHOLE = vocab.set [[whole integer integers round rounded]]
local DECIMALS = vocab.set [[decimal decimals places]]
local NUMBER_NOUNS = vocab.set [[numbers number values value labels tick ticks axis format formatted]]
local FORMAT_FILLER = vocab.set [[in as with the show use add y x put make]]
function M.number_format(ctx)
  local spec = ctx.spec
  local raw = ctx.prompt:gsub("[\"“'‘][^\"”'’]*[\"”'’]", "")
  local money = raw:find("%$") ~= nil
  local percent = raw:find("%%") ~= nil
  local si, commas, whole, decimals, marks = false, false, false, nil, {}
  local about = money or percent
  for i, t in ipairs(ctx.tokens) do
    local w = t.w
    if w and ctx:free(i) then
      -- (a unit letter only after "in": "in k", "in $k", "in m")
      local letter = (w == "k" or w == "m" or w == "bn" or w == "mn") and ctx:w(i - 1) ~= "in"
      -- ("thousands separators" are commas)
      if SI[w] and COMMAS[ctx:w(i + 1) or ""] then marks[#marks + 1] = i
      elseif SI[w] and not letter and not (w == "short" or w == "compact") then si = true; marks[#marks + 1] = i
      elseif (w == "short" or w == "compact") and NUMBER_NOUNS[ctx:w(i + 1) or ""] then si = true; marks[#marks + 1] = i
      elseif COMMAS[w] then commas = true; marks[#marks + 1] = i
      elseif MONEY[w] then money = true; marks[#marks + 1] = i
      elseif PERCENT[w] then percent = true; marks[#marks + 1] = i
      elseif WHOLE[w] and (NUMBER_NOUNS[ctx:w(i + 1) or ""]
          or ctx:w(i + 1) == "the" and NUMBER_NOUNS[ctx:w(i + 2) or ""]) then
        whole, about = true, true
        marks[#marks + 1] = i
      elseif DECIMALS[w] then
        local n = numbers.count(ctx:w(i - 1)) or tonumber(ctx:w(i - 1) or "")
        if ctx:w(i - 1) == "no" or ctx:w(i - 1) == "without" then n = 0 end
        if n then
          if n == 0 then whole = true else decimals = n end
          about = true
          marks[#marks + 1] = i - 1
          marks[#marks + 1] = i
        end
      end
      if NUMBER_NOUNS[w] then about = true end
    end
  end
  if not (si or commas or money or percent or whole or decimals) then return end
  -- ("thousands of jobs" is a title's words; "in thousands", "numbers with commas" are formats)
  if not (about or ctx:find({ ["in"] = true, as = true, with = true, use = true, add = true }, 1)) then return end
  local ch = ctx:find({ x = true }, 1) and ctx:w((ctx:find({ x = true }, 1)) + 1) == "axis" and "x" or "y"
  local enc = spec.encoding[ch]
  if not enc or not enc.field and enc.aggregate ~= "count" then
    ctx:note("this chart has no " .. ch .. " axis of numbers to format")
    for _, k in ipairs(marks) do ctx:mark(k) end
    return
  end
  local f
  if percent then
    -- shares (0.25) are written as 25 %; values already in percent points keep their number
    local col = enc.field and ctx.df and ctx.df.columns[enc.field]
    local top = 0
    for _, v in ipairs(col or {}) do if type(v) == "number" and math.abs(v) > top then top = math.abs(v) end end
    local named = enc.field and (enc.field:lower():find("pct") or enc.field:lower():find("percent")
      or enc.field:lower():find("rate") or enc.field:lower():find("share"))
    f = col and top > 0 and top <= 1.5 and "~%" or named and "percent"
    -- (a percentage of an amount is a share of the whole: chart.percent reads it)
    if not f then return end
  else
    f = (money and "$" or "") .. ((commas or money or whole or decimals) and not si and "," or "")
      .. (si and "~s" or whole and ".0f" or decimals and ("." .. decimals .. "f") or "")
    if f == "$," then f = "$,~f" end
  end
  enc.format = f
  for _, k in ipairs(marks) do ctx:mark(k) end
  for i, t in ipairs(ctx.tokens) do
    if t.w and ctx:free(i) and (NUMBER_NOUNS[t.w] or FORMAT_FILLER[t.w]) then
      ctx:mark(i)
    end
  end
  ctx:edit("number format")
end

-- "make all panels share the same y axis", "independent y scales", "each panel its own x axis":
-- whether small multiples share a scale (options.shared_x / shared_y; shared unless told).
local SHARED = vocab.set [[share shared same common one]]
local FREE = vocab.set [[independent separate own free different]]
local SCALE_NOUNS = vocab.set [[axis axes scale scales range ranges]]
function M.panel_scales(ctx)
  local spec = ctx.spec
  if not (spec.encoding.column or spec.encoding.row) then return end
  for i, t in ipairs(ctx.tokens) do
    if SCALE_NOUNS[t.w or ""] and ctx:free(i) then
      local axis = (ctx:w(i - 1) == "x" or ctx:w(i - 1) == "y") and ctx:w(i - 1) or "y"
      local from = (ctx:w(i - 1) == "x" or ctx:w(i - 1) == "y") and i - 1 or i
      local shared = ctx:find(SHARED, math.max(1, from - 3), from - math.max(1, from - 3))
      local free = ctx:find(FREE, math.max(1, from - 3), from - math.max(1, from - 3))
      if shared or free then
        local key = "shared_" .. axis
        local was = not (spec.options and spec.options[key] == false)
        if free then
          spec.options = spec.options or {}
          spec.options[key] = false
        elseif spec.options then
          spec.options[key] = nil
          if next(spec.options) == nil then spec.options = nil end
        end
        for k = math.max(1, from - 4), i do
          local w = ctx:w(k)
          if w and (SHARED[w] or FREE[w] or SCALE_NOUNS[w] or w == "x" or w == "y" or w == "the" or w == "all"
              or w == "panels" or w == "panel" or w == "charts" or w == "make" or w == "each" or w == "its"
              or w == "their" or w == "have" or w == "use" or w == "give") then
            ctx:mark(k)
          end
        end
        if shared and was then
          ctx:note(("the panels share one %s scale already"):format(axis))
        else
          ctx:edit("panel scales")
        end
        return
      end
    end
  end
end

-- "change the font to serif", "use a monospace font", "font: Georgia": the chart's font family.
local FAMILIES = { serif = "serif", sans = "sans-serif", ["sans-serif"] = "sans-serif", sansserif = "sans-serif",
  mono = "monospace", monospace = "monospace", monospaced = "monospace", typewriter = "monospace" }
local NOT_FAMILY = { bigger = true, smaller = true, larger = true, size = true, bold = true, italic = true,
  big = true, small = true, the = true, a = true, to = true, ["in"] = true, as = true, use = true, change = true,
  font = true, fonts = true, typeface = true, family = true, make = true, of = true, ["="] = true, set = true }
function M.font(ctx)
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "font" or t.w == "fonts" or t.w == "typeface") and ctx:free(i) then
      local family, at
      for k = math.max(1, i - 2), i + 3 do
        local w = ctx:w(k)
        if w and k ~= i and FAMILIES[w] then family, at = FAMILIES[w], k; break end
      end
      if not family then
        -- a named family after "to"/"in"/":" ("font to Georgia"), kept as the user wrote it
        local k = i + 1
        while ctx.tokens[k] and (NOT_FAMILY[ctx:w(k) or ""] or ctx.tokens[k].p == ":") do k = k + 1 end
        local w = ctx:w(k)
        if w and k > i + 1 and not lex.stop[w] and not ctx:mention_at(k) and not tonumber(w) then
          family = ctx.prompt:match("[%w%-]+", (ctx.prompt:lower():find(w, 1, true))) or w
          at = k
        end
        -- "use the Helvetica font": a capitalised name just before
        local b = ctx:w(i - 1)
        local written = b and ctx.prompt:match("(%u[%w%-]*)%s+[Ff]onts?%f[%A]")
        if not family and written and written:lower() == b and not NOT_FAMILY[b] then family, at = written, i - 1 end
      end
      if family then
        for k = math.min(i, at) - 2, math.max(i, at) do
          local w = ctx:w(k)
          if w and (k == i or k == at or NOT_FAMILY[w]) then ctx:mark(k) end
        end
        spec_config(ctx.spec).font = family
        ctx:edit("font")
        return
      end
    end
  end
end

-- "a larger font for the labels", "bigger text", "font size 14", "smaller title font": font sizes
-- (config.axis.labelFontSize, axis.titleFontSize, title.fontSize, legend.labelFontSize), a step
-- of a quarter from what the chart has (the light theme's sizes until changed).
local TEXT_WORDS = { font = true, fonts = true, text = true, writing = true, lettering = true, letters = true }
local GROW = { bigger = true, larger = true, big = true, large = true, increase = true, huge = true, readable = true,
  bump = true, boost = true, enlarge = true }
local SHRINK = { smaller = true, small = true, tiny = true, decrease = true, reduce = true }
local FONT_TARGETS = {
  { words = { labels = true, label = true, ticks = true, tick = true, numbers = true }, group = "axis",
    key = "labelFontSize", theme = "tick" },
  { words = { legend = true }, group = "legend", key = "labelFontSize", theme = "legend" },
  { words = { title = true, heading = true }, group = "title", key = "fontSize", theme = "title" },
}
function M.font_size(ctx)
  for i, t in ipairs(ctx.tokens) do
    if TEXT_WORDS[t.w] and ctx:free(i) then
      local step, size, marks = nil, nil, { i }
      for k = math.max(1, i - 3), math.min(#ctx.tokens, i + 3) do
        local w = ctx:w(k)
        if w and ctx:free(k) and (GROW[w] or SHRINK[w]) and not step then
          step = GROW[w] and 1.25 or 0.8
          marks[#marks + 1] = k
        end
      end
      if ctx:w(i + 1) == "size" then
        marks[#marks + 1] = i + 1
        local k = ctx:w(i + 2) == "to" and i + 3 or i + 2
        size = tonumber(ctx:w(k) or "")
        if size then marks[#marks + 1] = k end
      end
      if step or size then
        local targets = {}
        for k = math.max(1, i - 4), math.min(#ctx.tokens, i + 5) do
          for _, target in ipairs(FONT_TARGETS) do
            if target.words[ctx:w(k) or ""] and ctx:free(k) then targets[target] = true; marks[#marks + 1] = k end
          end
        end
        if not next(targets) then for _, target in ipairs(FONT_TARGETS) do targets[target] = true end end
        local base = require("themes").get(ctx.spec.theme) or {}
        for _, target in ipairs(FONT_TARGETS) do
          if targets[target] then
            local group = config(ctx.spec, target.group)
            local now = group[target.key] or (base.font_sizes or {})[target.theme] or 11
            group[target.key] = size or math.floor(now * step * 2 + 0.5) / 2
          end
        end
        for _, k in ipairs(marks) do ctx:mark(k) end
        for k = i - 2, i + 2 do if ctx:w(k) == "the" or ctx:w(k) == "for" or ctx:w(k) == "a" then ctx:mark(k) end end
        ctx:edit("font")
        return
      end
    end
  end
end

-- "see-through", "more transparent", "semi-transparent bars", "lower the opacity": chartd's
-- marks have no opacity setting (a scatter's overlapping points are translucent already), so the
-- request is acknowledged and the chart kept.
local SEE_THROUGH = vocab.set [[transparent transparency translucent opacity opaque alpha]]
local AROUND = vocab.set [[semi more less lower reduce make them bars points dots marks areas colours colors
  fill fills bit slightly partly partially the a see through]]
function M.transparency(ctx)
  for i, t in ipairs(ctx.tokens) do
    local see = t.w == "see" and ctx:w(i + 1) == "through"
    if (SEE_THROUGH[t.w or ""] or see) and ctx:free(i) then
      for k = i - 3, i + 3 do
        if ctx:w(k) and (k == i or AROUND[ctx:w(k)]) then ctx:mark(k) end
      end
      ctx:note("not applied: transparency (chartd has no opacity setting for marks); the chart is unchanged")
      return
    end
  end
end

-- "legend at the bottom", "move the legend to the top", "hide the legend".
function M.legend(ctx)
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "legend" or t.w == "key") and ctx:free(i) then
      local orient
      for k = math.max(1, i - 3), math.min(#ctx.tokens, i + 4) do
        local w = ctx:w(k)
        if w == "bottom" or w == "below" or w == "under" or w == "underneath" then orient = "bottom"
        elseif w == "top" or w == "above" then orient = "top"
        elseif w == "right" or w == "side" then orient = "right"
        elseif w == "left" then orient = "right" end
        if orient and not ctx.used[k] then ctx:mark(k); break end
      end
      local neg = negated(ctx, i)
      if not orient and not neg then return end
      ctx:mark(i)
      if neg then ctx:mark(neg) end
      for k = i - 3, i + 3 do
        local w = ctx:w(k)
        if w == "the" or w == "at" or w == "to" or w == "move" or w == "put" or w == "place" or w == "on" then
          ctx:mark(k)
        end
      end
      if ctx:w(i - 1) == "left" or ctx:w(i + 2) == "left" or ctx:w(i + 3) == "left" then
        ctx:note("the legend goes right, top or bottom; put it on the right")
      end
      config(ctx.spec, "legend").orient = neg and not orient and "none" or orient
      ctx:edit("legend")
      return
    end
  end
end

-- "rotate the labels 45 degrees", "horizontal labels", "angle the x labels".
function M.label_angle(ctx)
  for i, t in ipairs(ctx.tokens) do
    if (t.w == "labels" or t.w == "label" or t.w == "ticks" or t.w == "text" or t.w == "names")
        and ctx:free(i) then
      local angle
      local rot = ctx:find({ rotate = true, rotated = true, angle = true, angled = true, tilt = true, tilted = true,
        slant = true, slanted = true, diagonal = true, turn = true, rotation = true, slope = true, sloped = true,
        skew = true, skewed = true }, math.max(1, i - 4), 8)
      local deg
      for k = math.max(1, i - 4), math.min(#ctx.tokens, i + 5) do
        local n = ctx:w(k) and ctx:w(k):match("^(%d+)$")
        if n and (ctx:w(k + 1) == "degrees" or ctx:w(k + 1) == "degree" or ctx:w(k + 1) == "deg" or rot) then
          deg = tonumber(n)
          ctx:mark(k, k + 1)
        end
      end
      -- "horizontal labels", "make the labels horizontal", "labels vertical please"
      local prev, nxt = ctx:w(i - 1), ctx:w(i + 1)
      if prev == "horizontal" or prev == "flat" or prev == "straight" then angle = 0; ctx:mark(i - 1)
      elseif prev == "vertical" then angle = -90; ctx:mark(i - 1)
      elseif nxt == "horizontal" or nxt == "horizontally" or nxt == "flat" or nxt == "straight" then angle = 0; ctx:mark(i + 1)
      elseif nxt == "vertical" or nxt == "vertically" then angle = -90; ctx:mark(i + 1)
      elseif rot or deg then angle = -(deg or 45); if angle < -90 then angle = -90 end
      end
      if angle then
        ctx:mark(i)
        if rot then ctx:mark(rot) end
        for k = i - 3, i + 2 do
          local w = ctx:w(k)
          if w == "the" or w == "x" or w == "axis" or w == "make" or w == "by" or w == "tick" then ctx:mark(k) end
        end
        config(ctx.spec, "axisX").labelAngle = angle
        ctx:edit("label angle")
        return
      end
    end
  end
end

return M
