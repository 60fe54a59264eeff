-- The offline planner: reads a request's words and the data's columns (names,
-- types, cardinality) and picks chart type, fields, aggregation, binning, sort,
-- theme and title. No model, no network; the default without an API key.
local lex = require "planner.lexicon"
local timeunit = require "data.timeunit"
local profile = require "planner.profile"
local needs = require "planner.needs"
local vague = require "planner.vague"
local shape = require "planner.shape"
local json = require "util.json"
local vocab = require "planner.edits.vocab"

local M = {}

-- Tokens ------------------------------------------------------------------------

-- Splits a request into tokens { w = lowercase word, s = stem } and punctuation
-- tokens { p = "," } (clause breaks limit how far a cue reaches).
local UNIT_SHORTS = { mnth = "month", mth = "month", mnths = "months", mths = "months", yr = "year",
  yrs = "years", wk = "week", wks = "weeks", qtr = "quarter", qtrs = "quarters", hr = "hour", hrs = "hours" }
function M.tokenize(text)
  text = text:lower()
  text = text:gsub("\226\128[\147\148]", "-")          -- en/em dash
  text = text:gsub("(%a)/(%a)", function(a, b)
    if a == "v" and b == "s" then return " vs " end
    return a .. " " .. b
  end)
  text = text:gsub("#", " number ")
  local out = {}
  local i = 1
  while i <= #text do
    local c = text:sub(i, i)
    if c:match("[%w']") then
      local j = i
      while j <= #text and text:sub(j, j):match("[%w'%.]") do j = j + 1 end
      local word = text:sub(i, j - 1)
      -- a trailing dot ends a sentence; an inner one ("u.s.", "2.5") stays
      local trail = word:match("%.+$")
      if trail then word = word:sub(1, -#trail - 1) end
      word = word:gsub("^'+", ""):gsub("'+$", "")
      if word ~= "" then
        -- (time units as people shorten them: "per mnth", "by yr", "hrs a day")
        local unit = UNIT_SHORTS[word]
        out[#out + 1] = unit and { w = unit, s = lex.stem(unit) } or { w = word, s = lex.stem(word) }
        -- a minus sign that starts a number ("above -5", "between -5 and 5"; not "2020-2023")
        if word:match("^%d") and text:sub(i - 1, i - 1) == "-" and not text:sub(i - 2, i - 2):match("[%w%.]") then
          out[#out].minus = true
        end
        -- a dash between two numbers ("50-100", "50 – 100"): the second ends a range
        if word:match("^%d") and text:sub(1, i - 1):match("%d%s*%-%s*$") then out[#out].dash = true end
        -- "18%" is a percentage, "4+" at least 4
        local after = text:sub(j, j)
        if word:match("^%d") and after == "%" then out[#out].pct = true end
        if word:match("^%d") and after == "+" then out[#out].plus = true end
      end
      if trail then out[#out + 1] = { p = "." } end
      i = j
    elseif c:match("[,;:%.!%?%(%)]") then
      if c ~= "(" and c ~= ")" then out[#out + 1] = { p = c } end
      i = i + 1
    else
      i = i + 1
    end
  end
  return out
end

local function word(tokens, i)
  local t = tokens[i]
  return t and t.w
end

local value_before, correct_typos, shared_head, abbreviation_score, spelled_out, clause_names, verb_at

-- Column mentions -------------------------------------------------------------

local MIN_SCORE = 0.4
-- More slices than this read badly; a share of many groups is a bar chart.
local MAX_PIE = 8

-- Whether `part` abbreviates `word`: its first letter, then some of the word's letters in order
-- ("gp" group, "alc" alcohol, "tob" tobacco).
local function abbreviates(part, full)
  if part:sub(1, 1) ~= full:sub(1, 1) or #part > #full then return false end
  local at = 1
  for k = 2, #part do
    at = full:find(part:sub(k, k), at + 1, true)
    if not at then return false end
  end
  return true
end
-- Whether name splits into abbreviations of words, in order, each of at least `min` letters.
local function splits(name, words, k, min)
  if k > #words then return name == "" end
  for len = min, #name do
    if abbreviates(name:sub(1, len), words[k]) and splits(name:sub(len + 1), words, k + 1, 2) then return true end
  end
  return false
end
-- What a kind of category is called ("alcgp": alcohol group), so a name may leave it unsaid,
-- and how names shorten it.
local CATEGORY_WORD = { group = true, band = true, category = true, class = true, type = true, level = true }
local CATEGORY_SUFFIX = { gp = true, grp = true, group = true, bnd = true, band = true, cat = true, category = true,
  cls = true, class = true, typ = true, type = true, lvl = true, level = true }
-- A one-word, lower-case name of at least four letters read as abbreviations of the request's
-- words: all of them (0.85), or the first (three letters at least) with a category word unsaid (0.7).
abbreviation_score = function(joined, c)
  local name = c.joined
  if #c.words ~= 1 or #name < 4 or not name:match("^%l+$") or name == table.concat(joined) then return 0 end
  for _, w in ipairs(joined) do
    if lex.stop[w] and not CATEGORY_WORD[w] or #w < 3 or not w:match("^%a+$") then return 0 end
  end
  if #joined >= 2 and splits(name, joined, 1, 3) then return 0.85 end
  if #joined == 1 then
    for len = 3, #name - 2 do
      if CATEGORY_SUFFIX[name:sub(len + 1)] and abbreviates(name:sub(1, len), joined[1]) then return 0.7 end
    end
  end
  return 0
end

-- Whether `letters` are the initials of words[from..], all of them (exact) or all but one
-- inner word ("disposable income" for dpi, disposable personal income).
local function initials_of(letters, words, from)
  local n = #words - from + 1
  if n < 2 or n > #letters then return false end
  local k = 1
  for i = from, #words do
    local c = words[i]:sub(1, 1)
    while k <= #letters and letters:sub(k, k) ~= c do
      if n ~= #letters - 1 or k == 1 then return false end
      k = k + 1
    end
    if k > #letters then return false end
    k = k + 1
  end
  return k == #letters + 1
end

-- Whether name[at..] is made of one piece per word of words[wi..], each piece letters of its word
-- in order starting with its first ("bwt" = b|wt for birth weight, "realgdp" = real|g|d|p).
local function pieces_of(name, at, words, wi)
  if wi > #words then return at > #name end
  local w = words[wi]
  if name:sub(at, at) ~= w:sub(1, 1) then return false end
  local k = 2 -- the next letter of w to match
  for e = at, #name do
    if e > at then
      local found = w:find(name:sub(e, e), k, true)
      if not found then return false end
      k = found + 1
    end
    if pieces_of(name, e + 1, words, wi + 1) then return true end
  end
  return false
end

-- An abbreviated column spelled out in content words ("consumer price index" → cpi, "real gross
-- domestic product" → realgdp, "birth weight" → bwt): 0.9 for its initials (after a word said
-- whole), 0.7 for pieces of the
-- words (or initials with an inner word left out: "real disposable income" → realdpi), which a
-- column named by one of the words itself outranks ("students exercise" is Exer, not Sex).
spelled_out = function(joined, c)
  local name = c.joined
  if #c.words ~= 1 or #name < 2 or #name > 10 or not name:match("^%a+$") or #joined < 2 or c.role == "id" then
    return 0
  end
  -- (two letters only as the initials of two long words: "uterine irritability" → ui)
  if #name == 2 and not (#joined == 2 and #joined[1] >= 4 and #joined[2] >= 4) then return 0 end
  -- (a possessive is its noun: "baby's weight")
  local said = {}
  for k, w in ipairs(joined) do said[k] = w:gsub("'s$", "") end
  joined = said
  for _, w in ipairs(joined) do
    if lex.stop[w] or #w < 3 or not w:match("^%a+$") or lex.chart[w] or vocab.command[w] then return 0 end
  end
  -- (two initials say less than pieces of the words: "public capital" is pcap before pc)
  if #name == #joined and initials_of(name, joined, 1) then return #name == 2 and 0.65 or 0.9 end
  -- a word said as it is, then the initials of the rest, all or but an inner one ("real" + "gdp",
  -- "real" + "dpi")
  local first = joined[1]
  if #joined >= 3 and name:sub(1, #first) == first then
    local rest = name:sub(#first + 1)
    if #rest == #joined - 1 and pieces_of(rest, 1, joined, 2) or initials_of(rest, joined, 2) then return 0.9 end
  end
  if pieces_of(name, 1, joined, 1) or initials_of(name, joined, 1) then return 0.7 end
  return 0
end

-- A name of words run together with nothing between them ("percollege", "percchildbelowpovert",
-- "poptotal"), named by some of its words: each content word of the span (its start, four letters
-- at least, or three opening the name: "pop" of population) is found in the name; the score grows
-- with the share of the name's letters they cover. A word of aggregate left at its end ("total")
-- counts as said. Words of chart talk and aggregates name nothing here.
local function run_together_score(tokens, i, j, c)
  local name = c.joined
  if #c.words ~= 1 or #name < 7 or not name:match("^%l+$") then return 0 end
  local covered, content, found_words = {}, 0, 0
  for k = i, j do
    local w = tokens[k].w
    if not w then return 0 end
    if lex.stop[w] then
      if k == i or k == j then return 0 end
    else
      if #w < 4 or not w:match("^%a+$") or vocab.command[w] or lex.aggregate[w] or lex.chart[w] then return 0 end
      content = content + 1
      local at, len
      for l = #w, 3, -1 do
        local found = name:find(w:sub(1, l), 1, true)
        if found and (l >= 4 or found == 1) then at, len = found, l; break end
      end
      -- (a word the name leaves out, "rate" of percelderlypoverty, costs its share of the words)
      -- (one word alone is named by five letters at least, or by the start of a name whose rest is
      -- an aggregate: "rate" alone is not tbilrate, "pop" of population is poptotal)
      if at and i == j and len < 5 and not (at == 1 and lex.aggregate[name:sub(len + 1)]) then at = nil end
      if at then
        found_words = found_words + 1
        for p = at, at + len - 1 do covered[p] = true end
      elseif k == i or k == j then
        return 0
      end
    end
  end
  local n, rest = 0, {}
  for p = 1, #name do
    if covered[p] then n = n + 1 else rest[#rest + 1] = name:sub(p, p) end
  end
  local left = table.concat(rest)
  -- (a name that is the word with an ending, "drivers" for driven, is no run of words)
  if #left > 0 and #left < 3 then return 0 end
  if lex.aggregate[left] and name:sub(-#left) == left then n = #name end
  local share = n / #name * found_words / math.max(1, content)
  if found_words == 0 or share < 0.3 then return 0 end
  -- the name's last word said (its head: "poverty" is percbelowpoverty more than poppovertyknown)
  return 0.5 + 0.4 * share + (covered[#name] and 0.05 or 0)
end

-- Whether a two-letter name is how people shorten a word: its first letter and its last ("wt"
-- weight, "ht" height) or the first of a word inside it ("hp" horsepower, "bp" bloodpressure).
local function two_letter_short(cs, w)
  local second = cs:sub(2, 2)
  if #w < 4 or second:find("[aeiou]") or w:sub(1, 1) ~= cs:sub(1, 1) or lex.stop[w] then return false end
  if w:sub(-1) == second then return true end
  for p = 4, #w - 3 do
    if w:sub(p, p) == second then return true end
  end
  return false
end

-- How well request tokens i..j name column c (0 = not at all).
local span_words
local function span_score(tokens, i, j, c, exact)
  local s, whole = span_words(tokens, i, j, c)
  -- (not over a word that is some column's whole name: "percollege vs percbelowpoverty")
  for k = i, j do if exact and exact[k] and j > i then return s, whole end end
  local r = run_together_score(tokens, i, j, c)
  if r > s then return r, j > i end
  -- a word made of another and the name ("policyholders" for Holders, "subcategory" for Category)
  local w, name = tokens[i].w, c.joined
  if i == j and s < 0.8 and w and #name >= 5 and #w >= #name + 3 and name:match("^%l+$")
      and (w:sub(-#name) == name or tokens[i].s:sub(-#lex.stem(name)) == lex.stem(name)) then
    return 0.8, false
  end
  return s, whole
end

span_words = function(tokens, i, j, c)
  local joined, n = {}, 0
  for k = i, j do
    local t = tokens[k]
    if not t.w then return 0 end
    joined[#joined + 1] = t.w
    n = n + 1
  end
  -- (a dot inside a word is the name's own punctuation: "S.Amer", "Solar.R")
  local concat = (table.concat(joined):gsub("(%a)%.(%a)", "%1%2"))
  -- the whole name, spaces and punctuation ignored ("sub-category", "horse power")
  if concat == c.joined or lex.stem(concat) == lex.stem(c.joined) or lex.american(concat) == lex.american(c.joined) then
    return 1
  end
  -- a name of clipped words said in full, each name word the start of a request word in order
  -- ("north america" → N.Amer, "solar radiation" → Solar.R, "urban population" → UrbanPop), or
  -- its first letter and more of its letters in order ("writing hand" → W.Hnd)
  if n >= 2 and n == #c.words then
    local starts, clipped, letters = true, false, 0
    for k, w in ipairs(c.words) do
      local said = joined[k]
      starts = starts and (said:sub(1, #w) == w or abbreviates(w, said)) and not lex.stop[said] and #said >= 3
      clipped = clipped or said ~= w
      letters = letters + #w
    end
    if starts and clipped and letters >= 4 then return 0.9 end
  end
  -- a name written as two words ("horse power"); not a function word glued on ("count by" ≠ Country)
  if n > 1 and #c.content == 1 and not lex.stop[tokens[i].w] and not lex.stop[tokens[j].w]
      and tokens[j].w:match("%a") and tokens[i].w:match("%a") then
    local m = lex.word_match(lex.stem(concat), c.head)
    if m >= 0.8 then return m end
  end
  -- an acronym column spelled out ("miles per gallon" → MPG, "end of life" → eol: a short
  -- lower-case name only when the words read as a phrase, with a function word inside)
  local phrase = n >= 3 and #c.words == 1 and lex.stop[joined[2]] ~= nil
  if (c.acronym or phrase) and n == #c.joined and n >= 2 then
    local initials = {}
    for _, w in ipairs(joined) do initials[#initials + 1] = w:sub(1, 1) end
    if table.concat(initials) == c.joined then return 0.95 end
  end
  local spelled = spelled_out(joined, c)
  if spelled > 0 then return spelled, spelled >= 0.9 end
  -- a name of abbreviated words run together ("agegp" for age group, "alcgp" for alcohol)
  local abbreviated = abbreviation_score(joined, c)
  if abbreviated > 0 then return abbreviated, abbreviated >= 0.85 end
  -- word by word: each content word of the span names a different word of the column
  local function own(w)
    for _, cw in ipairs(c.words) do if cw == w then return true end end
    return false
  end
  -- a span may end in a stop word only when the name has it ("shipping mode" → Ship Mode)
  -- and some other word of the span is not a stop word, so a bare "mode" or "time" names nothing
  if lex.stop[tokens[i].w] or lex.stop[tokens[j].w] then
    if n == 1 or not (own(tokens[i].w) or not lex.stop[tokens[i].w])
        or not (own(tokens[j].w) or not lex.stop[tokens[j].w]) then
      return 0
    end
    local content = false
    for k = i, j do if not lex.stop[tokens[k].w] then content = true end end
    if not content then return 0 end
  end
  local used, quality, matched, head, weight = {}, 1, 0, false, 0
  for k = i, j do
    local t = tokens[k]
    if lex.stop[t.w] and not (own(t.w) and (k == i or k == j)) then
      -- an inner function word must be the name's own ("days to ship"), not a gap between names
      if not own(t.w) then return 0 end
    else
      local best, at = 0, nil
      for ci, cs in ipairs(c.content) do
        if not used[ci] then
          -- typos may hide a plural ("goasl"), so compare the unstemmed words too
          local m = math.max(lex.word_match(t.s, cs), lex.word_match(t.w, c.content_words[ci]))
          -- a synonym of a word of the name ("low temps" → temp_min, "rainfall" → precipitation)
          -- (or a value word of the name said as people say it: "rural women" → Rural Female)
          if m < 0.85 and (lex.synonyms_of(t.s)[cs] or #t.w >= 3 and lex.value_synonyms_of(t.s)[cs]) then m = 0.85 end
          -- a name word written as the word's consonants ("yrs" for years, "pct", "qty", "amt") or
          -- clipped to its first letters ("unemp" for unemployment; not "real" for really)
          -- (never a word of chart talk, "labels" is not lbs; a time word may be: "years" is yrs)
          local clipped = (#cs >= 4 and #t.w >= #cs + 3 or #cs == 3 and #t.w >= #cs + 4) and t.w:sub(1, #cs) == cs
          local consonants = #cs >= 3 and not cs:sub(2):find("[aeiou]") and #t.w > #cs and abbreviates(cs, t.w)
          local talk = (vocab.command[t.w] or vocab.command[t.s]) and not lex.time_unit[t.w]
          -- an adjective in -y of a name word ("rainy" rain, "windy" wind, "sunny" sun)
          local adjective = #cs >= 3 and t.w:match("y$") and (t.w:sub(1, -2) == cs
            or t.w:sub(1, -3) == cs and t.w:sub(-3, -3) == t.w:sub(-2, -2))
          if m < 0.85 and (clipped or consonants or adjective) and not talk then
            m = 0.85
          end
          -- (two letters say little: read only when nothing names the words better)
          if m < 0.6 and #cs == 2 and not talk and two_letter_short(cs, t.w) then m = 0.6 end
          if m > best then best, at = m, ci end
        end
      end
      if best == 0 then return 0 end
      used[at] = true
      quality = quality * best
      matched = matched + 1
      weight = weight + c.weights[at]
      if at == #c.content then head = true end
    end
  end
  if matched == 0 then return 0 end
  -- words shared by several column names ("rating" in three) say less than unique ones ("imdb")
  local coverage = matched == #c.content and 1 or weight / c.total_weight
  -- "counties" names county_id whole, "cancellations" total_cancellation: what is left unsaid
  -- only marks it an identifier or an aggregate already taken
  -- (an unsaid aggregate costs a little: "low speeds" names min_speed before max_speed does)
  local unsaid = 1
  if coverage < 1 then
    local rest = true
    for ci, cs in ipairs(c.content) do
      if not used[ci] and not lex.id_name[cs] then
        if lex.aggregate[c.content_words[ci]] then unsaid = 0.9 else rest = false end
      end
    end
    if rest then coverage = 1 else unsaid = 1 end
  end
  local s = 0.8 * coverage + (head and 0.15 or 0) + (coverage == 1 and 0.05 or 0)
  -- a bare head word shared by several columns ("rating") still names one of them
  if head and s < 0.5 then s = 0.5 end
  -- every word of a name of several, each clipped or misspelt ("direction category" → dirCat)
  return s * quality * unsaid, coverage == 1 and matched >= 2
end

-- Whether most values of column c (two at least) are of a kind ("size": small, large, …).
local function values_of_kind(c, kind)
  local set, n, hits = lex.value_kinds_of[kind], 0, 0
  local named = kind == "colour" and require("layout.color").named
  for _, v in ipairs(c.values) do
    local low = tostring(v):lower()
    n = n + 1
    if named and named(low:gsub("%s+", "")) or set and set[low] then hits = hits + 1 end
  end
  return hits >= 2 and hits * 2 >= n
end

-- Weaker readings of one word: a synonym of a word of the name, or a place word
-- ("country", "where") for a column whose values are places.
local function loose_score(t, c)
  if not t.w then return 0 end
  -- ("area" is a chart type first: "stacked area of …"; a name's own head word, 0.55, wins)
  -- ("by state" over a region and a column of state names: the states)
  if lex.place_words[t.w] and c.place and not lex.chart[t.w] then
    return (c.states and (t.s == "state")) and 0.53 or 0.52
  end
  if lex.stop[t.w] then return 0 end
  -- a flag named by a prefix on the word ("inmetro" metro, "isweekend" weekend, "hasdebt" debt)
  local flag = c.joined:match("^is(%l+)$") or c.joined:match("^has(%l+)$") or c.joined:match("^in(%l+)$")
  if flag and #flag >= 4 and (t.w == flag or t.s == lex.stem(flag)) then return 0.8 end
  -- a word only this column's name has ("airlines" → Aircraft Airline Operator, "speed" → Speed IAS in knots)
  for ci, cs in ipairs(c.content) do
    if #cs >= 4 and t.s == cs and c.weights[ci] == 1 then return 0.45 end
    -- (or a compound ending in it: "airspeed" → Speed IAS in knots, "windspeed" → Speed)
    if #cs >= 4 and #t.w >= #cs + 3 and t.w:sub(-#cs) == cs and c.weights[ci] == 1 and not lex.stop[t.w] then
      return 0.45
    end
  end
  local syn = lex.synonyms_of(t.s)
  for ci, cs in ipairs(c.content) do
    if syn[cs] then return ci == #c.content and 0.5 or 0.46 end
  end
  -- the kind of quantity of a column named by its unit ("distance" for kms)
  if c.type == "quantitative" and lex.names_kind(t.w, c) then return 0.5 end
  -- the kind of its values: "sizes" for a column of Small, Midsize, Large
  local kind = lex.value_kind_nouns[t.w]
  if kind and c.values and c.role == "category" and values_of_kind(c, kind) then return 0.5 end
  return 0
end

-- Phrases where "time" means the time axis, not a column like "Running Time".
-- ("years of education", "months of service": a duration counted of something, no time column)
local DURATIONS = { years = true, yrs = true, months = true, days = true, hours = true, weeks = true }
local function time_phrase(tokens, i)
  local w, prev, nxt = word(tokens, i), word(tokens, i - 1), word(tokens, i + 1)
  if DURATIONS[w] and nxt == "of" and word(tokens, i + 2) and not lex.stop[word(tokens, i + 2)] then return true end
  if w ~= "time" then return false end
  return prev == "over" or prev == "across" or prev == "through" or prev == "with" or prev == "in"
    or nxt == "series" or nxt == "line" or prev == "the" and word(tokens, i - 2) == "over"
end

-- Whether request word w names name word cw (typos, synonyms: "max" ~ "maximum" ~ "high").
local function names_word(w, cw)
  local sw = lex.stem(w)
  return lex.word_match(sw, cw) >= 0.85 or lex.synonyms_of(sw)[cw] ~= nil
end

-- Whether token i is a request verb before its object ("make it a line", "show the states",
-- "sort them"): not a column called Make, Show or Sort.
local VERBS = { make = true, show = true, plot = true, draw = true, give = true, create = true, display = true,
  use = true, sort = true, order = true, group = true, split = true, set = true, turn = true, change = true,
  put = true, keep = true, label = true, color = true, colour = true, add = true, view = true }
local OBJECTS = { it = true, them = true, this = true, that = true, the = true, a = true, an = true, these = true,
  those = true, me = true, us = true, all = true, everything = true, my = true, our = true, each = true, every = true }
function verb_at(tokens, i)
  return VERBS[tokens[i].w] ~= nil and OBJECTS[word(tokens, i + 1) or ""] ~= nil
end

-- Whether a free word of mention m's sentence names one of column c's words the mention does not
-- ("end" for Ending_Cash beside "cash"): typos, synonyms, or one word the start of the other.
function clause_names(tokens, taken, m, c)
  local said = {}
  for k = m.i, m.j do said[tokens[k].s] = true end
  local function names(w, cw)
    return names_word(w, cw) or #w >= 3 and #cw >= 3 and (cw:sub(1, #w) == w or w:sub(1, #cw) == cw)
  end
  for _, dir in ipairs { -1, 1 } do
    local k = dir < 0 and m.i - 1 or m.j + 1
    while tokens[k] and not (tokens[k].p and tokens[k].p ~= ",") do
      local w = tokens[k].w
      if w and (not taken[k] or taken[k].col == c) and not lex.stop[w] then
        for _, cw in ipairs(c.content) do
          if not said[cw] and names(w, cw) then return true end
        end
      end
      k = k + dir
    end
  end
  return false
end

-- "max vs min temperature", "high and low price": a lone word before vs/and/against/or and a
-- mention shares the mention's other words; it names the column whose name differs by that word.
local PAIRING = { vs = true, versus = true, against = true, ["and"] = true, ["or"] = true, to = true }
function shared_head(tokens, prof, out, taken)
  for _, m in ipairs(out) do
    local k = m.i - 2
    local t = tokens[k]
    if t and t.w and not taken[k] and PAIRING[word(tokens, m.i - 1)] and m.j > m.i then
      for _, c in ipairs(prof.columns) do
        if c ~= m.col and c.role == m.col.role and #c.content == #m.col.content then
          -- exactly one word differs, and the lone word names it
          local differ, own = 0, nil
          for _, cw in ipairs(c.content) do
            local shared = false
            for _, mw in ipairs(m.col.content) do if mw == cw then shared = true end end
            if not shared then differ, own = differ + 1, cw end
          end
          if differ == 1 and names_word(t.w, own) then
            local hit = { col = c, i = k, j = k, score = 0.9 }
            taken[k] = hit
            out[#out + 1] = hit
            break
          end
        end
      end
    end
  end
end

-- Words before a noun that no column is called, making it the rows ranked ("which company").
local ENTITY_BEFORE = { which = true, top = true, bottom = true, biggest = true, largest = true, smallest = true,
  richest = true, poorest = true, best = true, worst = true, busiest = true, quietest = true, fastest = true,
  slowest = true, oldest = true, newest = true, youngest = true }

-- Whether token i is a word of a multi-word place name ("district of columbia", "new york"):
-- a value, not a place word naming a column.
local function in_place_name(tokens, i)
  for first = math.max(1, i - 3), i do
    local parts = {}
    for k = first, math.min(#tokens, first + 3) do
      if not tokens[k].w then break end
      parts[#parts + 1] = tokens[k].w
      local phrase = table.concat(parts, " ")
      if k >= i and #parts > 1 and (lex.place_codes[phrase] or lex.places[phrase]) then return true end
    end
  end
  return false
end

-- Finds column mentions: { col = profile column, i = first token, j = last token, score }.
-- drawn (optional, a set of column names): a follow-up's chart, whose columns win a tie
-- ("instead of the normals" over normal_high and normal_low means the one drawn).
-- Whether a word of mention m is a word of its column's name as written (no typo read).
local function said_exactly(tokens, m)
  for k = m.i, m.j do
    for _, cs in ipairs(m.col.content) do
      if tokens[k].s == cs then return true end
    end
  end
  return #m.col.content == 1 and m.col.joined == (tokens[m.i].w or "")
end
-- Whether every word of c's name is among tokens i..j.
local function named_whole(tokens, c, i, j)
  for _, cs in ipairs(c.content) do
    local found = false
    for k = i, j do found = found or tokens[k].s == cs end
    if not found then return false end
  end
  return true
end

-- "mpg vs weight", "private versus government": between two words "vs" joins them, even over a
-- table with a column named vs; after "by" ("facet by vs") or alone it names that column.
local CONNECTIVES = { vs = true, versus = true, v = true }
local OF_WORDS = { of = true, ["in"] = true, on = true, per = true }
local GROUPING_BEFORE = { by = true, per = true, each = true, color = true, colour = true, facet = true,
  split = true, group = true, across = true, ["for"] = true }
local function connective_at(tokens, i)
  local w, prev, nxt = word(tokens, i), word(tokens, i - 1), word(tokens, i + 1)
  return CONNECTIVES[w or ""] ~= nil and prev ~= nil and nxt ~= nil and not GROUPING_BEFORE[prev]
end

local COLOUR_CUE = { colour = true, color = true, coloured = true, colored = true, hue = true }
function M.mentions(tokens, prof, drawn)
  local cands = {}
  -- tokens that are a column's whole name
  local exact = {}
  for i = 1, #tokens do
    for _, c in ipairs(prof.columns) do
      if tokens[i].w and (tokens[i].w == c.joined or tokens[i].w == c.name:lower()) then exact[i] = true end
    end
  end
  for i = 1, #tokens do
    if tokens[i].w and not time_phrase(tokens, i) and not verb_at(tokens, i) then
      local prev = word(tokens, i - 1)
      local grouping = prev == "by" or prev == "per" or prev == "each" or prev == "across"
      for len = 1, 4 do
        local j = i + len - 1
        if j > #tokens or not tokens[j].w or connective_at(tokens, j) then break end
        for _, c in ipairs(prof.columns) do
          local s, whole = span_score(tokens, i, j, c, exact)
          -- "change in nonfarm", "rate of unemployment": the name's words the other way round
          -- (nonfarm_change, unemployment_rate), both of them said
          if len == 3 and s < 0.8 and #c.content == 2 and OF_WORDS[tokens[i + 1].w] then
            local turned = span_score({ tokens[j], tokens[i] }, 1, 2, c)
            if turned >= 0.8 then s, whole = turned, true end
          end
          local loose_place = false
          -- "for each size of animal", "by mode": after a grouping word, a word the matcher
          -- otherwise ignores names the column of categories whose name ends in it
          if len == 1 and s == 0 and grouping and lex.stop[tokens[i].w] and c.role == "category"
              and c.content[#c.content] == tokens[i].s and not lex.chart[tokens[i].w] then
            s = 0.5
          end
          -- ("across sizes", "by season": after a grouping word, the column whose values are of
          -- that kind, before a number merely named so — EngineSize)
          local kind = len == 1 and grouping and lex.value_kind_nouns[tokens[i].w]
          if kind and c.values and c.role == "category" and values_of_kind(c, kind) then s = math.max(s, 0.9) end
          if len == 1 then
            local l = in_place_name(tokens, i) and 0 or loose_score(tokens[i], c)
            loose_place = l > s and lex.place_words[tokens[i].w] and c.place
            s = math.max(s, l)
          end
          if s >= MIN_SCORE then
            -- ties: measures first (a bare "rating" is more often the number), then column order
            -- ties ("rating" heads three names): after "by"/"per"/"each" a category, else a measure
            -- (a colour's column is one of categories too: "colour = writing hand")
            local prefer = (grouping or COLOUR_CUE[prev or ""]) and "category" or "measure"
            -- a longer span read well ("sales forcast") beats an exact shorter one inside it ("sales")
            local key = s + ((s >= 0.8 or whole and s >= 0.5) and 0.15 or 0.02) * len + (c.role == prefer and 0.001 or 0)
              + (drawn and drawn[c.name] and 0.0005 or 0) - c.index * 1e-6
            cands[#cands + 1] = { col = c, i = i, j = j, score = s, key = key, loose_place = loose_place or nil }
          end
        end
      end
    end
  end
  table.sort(cands, function(a, b) return a.key > b.key end)
  local taken, out = {}, {}
  for _, m in ipairs(cands) do
    local free = true
    for k = m.i, m.j do if taken[k] then free = false end end
    if free then
      for k = m.i, m.j do taken[k] = m end
      out[#out + 1] = m
    end
  end
  -- "the cash they had left at the end" over Beginning_Cash and Ending_Cash: of the columns a word
  -- names equally well, the one whose other words the sentence says too
  for _, m in ipairs(out) do
    if m.score < 1 and not clause_names(tokens, taken, m, m.col) then
      for _, o in ipairs(cands) do
        if o.i == m.i and o.j == m.j and o.col ~= m.col and o.score == m.score
            and clause_names(tokens, taken, m, o.col) then
          m.col = o.col
          break
        end
      end
    end
  end
  shared_head(tokens, prof, out, taken)
  table.sort(out, function(a, b) return a.i < b.i end)
  -- "by party" over Party_Code (1, 2, 3) and Party_Affiliation (DEM, REP, …): the groups' labels,
  -- unless the code itself is named ("party code")
  for _, m in ipairs(out) do
    if m.col.label and m.score < 1 then m.coded, m.col = m.col, m.col.label end
  end
  -- "departure delay", "delayed departures": a word named loosely (a synonym, a clip) right
  -- beside a column named by its own name belongs to that name: one mention, both words
  for k = #out - 1, 1, -1 do
    local a, b = out[k], out[k + 1]
    if b.i == a.j + 1 and a.col ~= b.col then
      local loose, well = nil, nil
      if a.score < 0.9 and a.i == a.j and b.score >= 0.9 then loose, well = a, b end
      if b.score < 0.9 and b.i == b.j and a.score >= 0.9 then loose, well = b, a end
      -- (not beside a name read through a typo, "distance driven" ≠ drivers; nor when the
      -- loose word's own column has its other words there too: "van drivers killed" is VanKilled)
      -- (a measure does not qualify a time: "the temperature day by day")
      if loose and loose.col.role == "measure" and well.col.role == "time" then loose = nil end
      -- (a word of a measure's own name before the things it measures names that measure:
      -- "more urban states" is UrbanPop of the states, not a kind of state)
      if loose and loose.col.role == "measure" and (well.col.place or well.col.role == "id") and loose == a then
        for _, w in ipairs(loose.col.words) do
          if w == tokens[loose.i].w and #w >= 4 then loose = nil; break end
        end
      end
      if loose and not (said_exactly(tokens, well) and not named_whole(tokens, loose.col, a.i, b.j)) then
        -- (a word read through a typo beside a loose name is more of that name: "distance driven")
        if not said_exactly(tokens, well) and well.i == well.j then loose, well = well, loose else loose = nil end
      end
      if loose then
        taken[loose.i] = well
        well.i, well.j = math.min(well.i, loose.i), math.max(well.j, loose.j)
        table.remove(out, loose == a and k or k + 1)
      end
    end
  end
  -- "math score vs district income": beside a relation word, two columns named one after the other
  -- are one noun, its last word the column (the first says whose); each side names one
  local relation_at = nil
  for k, t in ipairs(tokens) do if t.w == "vs" or t.w == "versus" or t.w == "against" then relation_at = k end end
  if relation_at then
    for k = #out - 1, 1, -1 do
      local a, b = out[k], out[k + 1]
      local same_side = (a.j < relation_at) == (b.i < relation_at)
      if same_side and b.i == a.j + 1 and a.col ~= b.col and a.col.role ~= "time" and b.col.role == "measure" then
        taken[a.i] = nil
        for t = a.i, a.j do taken[t] = nil end
        table.remove(out, k)
      end
    end
  end
  -- "construction year band", "income bracket", "age group": a kind word after a column named
  -- (a time word between) says what that column's values are, not another column it is a synonym of
  for k = #out, 2, -1 do
    local m, before = out[k], out[k - 1]
    local gap = m.i - before.j - 1
    if m.i == m.j and m.score < 1 and lex.value_kinds[tokens[m.i].w] and before.col ~= m.col
        and (gap == 0 or gap == 1 and lex.time_unit[word(tokens, m.i - 1)]) then
      taken[m.i] = before
      before.j = m.i
      table.remove(out, k)
    end
  end
  -- "which states have the most airports": a column of places named by its own name is the place
  -- the request means; other place words ("airports") are then the things, not another place column
  local named_place = false
  for _, m in ipairs(out) do named_place = named_place or (m.col.place and not m.loose_place and m.score >= 0.8) end
  for k = #out, 1, -1 do
    local m = out[k]
    -- and "airports by longitude": the place word broken down is the things, not their place
    -- ("busiest airports by departures": a ranked place word is the things ranked)
    local nxt = word(tokens, m.j + 1)
    local ranked = ENTITY_BEFORE[word(tokens, m.i - 1)]
    if m.loose_place and (named_place or (nxt == "by" or nxt == "per") and not ranked) then
      for t = m.i, m.j do taken[t] = nil end
      table.remove(out, k)
    end
  end
  table.sort(out, function(a, b) return a.i < b.i end)
  return out, taken
end

-- Category values named in the request ("USA, Japan and Europe") → { [column name] = count }.
local compared_with_number
-- Values of a column of categories named in the request, counted per column: a value's own
-- words, a word for it (lex.value_synonyms: "kids" for Child), and a code in capitals ("OJ",
-- "VC") written as such or as the initials of as many words ("orange juice", "vitamin C").
-- A relation word between two values of one column ("kids vs adults", "OJ versus VC") compares
-- them: it is marked taken, so it does not ask for a scatter of two measures.
local COMPARE_WORDS = { vs = true, versus = true, against = true, compared = true }
local function value_mentions(tokens, prof, taken, prompt)
  local found = {}
  for _, c in ipairs(prof.columns) do
    if c.values and c.role == "category" then
      local set, codes, clips = {}, {}, {}
      -- a column of short lower-case codes ("bc", "wc", "prof"): codes too, said by their words'
      -- initials ("blue collar") or as the word they clip ("professionals")
      local short = #c.values > 0
      for _, v in ipairs(c.values) do short = short and #v <= 4 and v:match("^%l+$") ~= nil end
      for _, v in ipairs(c.values) do
        local lv = v:lower()
        if #lv >= 3 and not lex.stop[lv] then set[lv] = v end
        for syn in pairs(lex.value_synonyms_of(lex.stem(lv))) do set[syn] = set[syn] or v end
        if v:match("^%u%u%u?$") or short and #v >= 2 then codes[lv] = v end
        if short and #v >= 3 then clips[lv] = v end
      end
      local seen, at = {}, {}
      local function hit(v, i, j)
        at[i] = { v = v, j = j }
        if not seen[v] then
          seen[v] = true
          found[c.name] = (found[c.name] or 0) + 1
        end
      end
      for i = 1, #tokens do
        local parts = {}
        for j = i, math.min(#tokens, i + 2) do
          if not tokens[j].w or taken[j] then break end
          parts[#parts + 1] = tokens[j].w
          local phrase = table.concat(parts, " ")
          local v = set[phrase] or j == i and set[tokens[i].s]
          if v then hit(v, i, j) end
        end
        local t = tokens[i]
        if t.w and not taken[i] and codes[t.w] and prompt:find("%f[%w]" .. codes[t.w] .. "%f[%W]") then
          hit(codes[t.w], i, i)
        end
        for clip, v in pairs(clips) do
          if t.w and not taken[i] and #t.w >= #clip + 3 and t.w:sub(1, #clip) == clip then hit(v, i, i) end
        end
        -- initials: as many free content words as the code has letters, their first letters the code
        for code, v in pairs(codes) do
          local j = i + #code - 1
          local ok = j <= #tokens
          for k = i, ok and j or i - 1 do
            local w = tokens[k].w
            ok = ok and w and not taken[k] and (not lex.stop[w] or #w == 1) and not lex.aggregate[w]
              and not lex.chart[w] and not vocab.command[w]
              and w:sub(1, 1) == code:sub(k - i + 1, k - i + 1) and (#w >= 3 or k > i)
          end
          if ok then hit(v, i, j) end
        end
      end
      for _, a in pairs(at) do
        local k = a.j + 1
        local w = tokens[k] and tokens[k].w
        -- "kids vs adults", "OJ vs. VC", "OJ compared to VC"
        local gap = tokens[k + 1] and (tokens[k + 1].p == "." or w == "compared" and (tokens[k + 1].w == "to"
          or tokens[k + 1].w == "with")) and 2 or 1
        local b = COMPARE_WORDS[w] and at[k + gap]
        if b and b.v ~= a.v then taken[k] = true end
      end
    end
  end
  return found
end

-- Cues ------------------------------------------------------------------------

local COLOR_CUES = {
  color = true, colour = true, colored = true, coloured = true, coloring = true, colouring = true,
  stack = true, stacked = true, split = true, broken = true, breakdown = true, separated = true,
  separate = true, segregated = true, distinguished = true, partitioned = true, facet = true,
  faceted = true, faceting = true, multiples = true, panels = true, charts = true, identify = true,
  series = false, subgroup = true, hue = true, legend = true,
}
-- Courtesy that may close a request after its last word of substance ("… avg please").
local COURTESY = { please = true, pls = true, plz = true, thanks = true, thx = true, cheers = true, thank = true,
  you = true, ty = true }
local GROUP_CUES = { by = true, per = true, each = true, every = true, across = true, different = true,
  various = true, based = true, grouped = true, group = true, ["for"] = true, wise = true, among = true }
-- Words before a column of names that ask for a ranking of its rows ("top 10 countries").
local RANK_CUES = { which = true, top = true, bottom = true, biggest = true, largest = true, highest = true,
  smallest = true, lowest = true, most = true, least = true, best = true, worst = true, richest = true,
  poorest = true, ranking = true, rank = true, ranked = true }
-- Words that group by a column of names when it has few enough names to draw ("per state").
local ENTITY_GROUP = { by = true, per = true, each = true, every = true, across = true }
-- "kind of", "type of": words before the noun that names groups.
local KIND_WORDS = { kind = true, kinds = true, type = true, types = true, sort = true, sorts = true,
  category = true, categories = true, class = true }
-- Words after a column of names that rank its rows ("states ranked by obesity").
local RANK_AFTER = { ranked = true, sorted = true, ordered = true, ranking = true }
-- Words between two measures that put the first on y: "mpg vs displacement", "acceleration by weight".
local Y_FIRST = { vs = true, versus = true, against = true, by = true, to = true, across = true,
  compared = true, with = true, v = true, on = true, over = true }

-- The words just before token i back to the previous mention or clause break (at most n).
local function before(tokens, taken, i, n)
  local out = {}
  local k = i - 1
  while k >= 1 and #out < n do
    local t = tokens[k]
    if t.p or taken[k] then break end
    out[#out + 1] = t.w
    k = k - 1
  end
  return out
end

local AXIS_PLACE = { bottom = true, side = true, left = true, x = true, y = true, top = true }

-- An explicit axis for the mention at i..j: "x axis weight", "weight on the x axis", "x-axis representing …".
local function axis_of(tokens, taken, m)
  local b = before(tokens, taken, m.i, 6)
  for idx, w in ipairs(b) do
    if w == "axis" and (b[idx + 1] == "x" or b[idx + 1] == "y") then return b[idx + 1] end
  end
  -- "Y along X", "sales along the years": what runs along is the x axis
  if b[1] == "along" or b[1] == "the" and b[2] == "along" then return "x" end
  local k = m.j + 1
  -- "longitude across, latitude up", "year along the bottom", "price vertically"
  local dir, after = word(tokens, k), word(tokens, k + 1)
  local ends = after == nil or after == "and" or after == "the" and AXIS_PLACE[word(tokens, k + 2)]
  if ends and (dir == "across" or dir == "along" or dir == "horizontally") then return "x" end
  if ends and (dir == "up" or dir == "upward" or dir == "upwards" or dir == "vertically") then return "y" end
  local steps = 0
  while tokens[k] and tokens[k].w and not taken[k] and steps < 4 do
    local w = tokens[k].w
    if (w == "x" or w == "y") and word(tokens, k + 1) == "axis" then return w end
    -- "running time on x", "budget on the y": the axis word alone after "on"
    local prev = word(tokens, k - 1)
    if (w == "x" or w == "y") and (prev == "on" or prev == "the" and word(tokens, k - 2) == "on") then return w end
    k, steps = k + 1, steps + 1
  end
  return nil
end

-- Request-level facts -----------------------------------------------------------

local function has_any(tokens, set, taken)
  for i, t in ipairs(tokens) do
    if t.w and (set[t.w] or set[t.s]) and not (taken and taken[i]) then return true end
  end
  return false
end

-- Whether the request asks for change over time. Words inside a column's name
-- ("Running Time", "Days to Ship") do not; a bare "time" only in a time phrase.
-- "distribution of daily precipitation": a time word before a measure whose spread is asked for
-- says what one value is, not an axis; "magnitude distribution for the week", "over the whole
-- year": a single period the data covers, not an axis either.
local PERIOD_BEFORE = { ["for"] = true, over = true, during = true, across = true, through = true, throughout = true }
local function grain_word(tokens, taken, i)
  local nxt = taken[i + 1]
  if nxt ~= nil and nxt.i == i + 1 and nxt.col.role == "measure" and has_any(tokens, lex.distribution) then
    return true
  end
  local k = i - 1
  if word(tokens, k) == "whole" or word(tokens, k) == "entire" then k = k - 1 end
  local period = word(tokens, k) == "the" and PERIOD_BEFORE[word(tokens, k - 1) or ""] or word(tokens, k) == "this"
  return period and tokens[i].s == tokens[i].w
end

-- "how many days", "number of years": the unit names the rows counted, not an axis.
local function counted_unit(tokens, i)
  local w1, w2 = word(tokens, i - 1), word(tokens, i - 2)
  return (w1 == "many" and w2 == "how") or ((w1 == "of" or w1 == "number") and (w2 == "number" or w1 == "number"))
end

-- Words that ask whether or how something changed ("how has X grown", "did X go up").
local ASKS_CHANGE = { how = true, did = true, has = true, have = true, ["does"] = true }
local rate_only
local function asks_time(tokens, taken)
  for i, t in ipairs(tokens) do
    if t.w and not taken[i] and lex.time_words[t.w] and (t.w ~= "time" or time_phrase(tokens, i))
        and not grain_word(tokens, taken, i) then
      return true
    end
    -- "how did fertility change", "how has X grown": a change over time
    local nxt = word(tokens, i + 1)
    local go = (t.w == "go" or t.w == "goes") and (nxt == "up" or nxt == "down")
    if t.w and (lex.change_verb(t.w) or go) and not taken[i] and nxt ~= "with" and nxt ~= "as" and nxt ~= "against"
        and nxt ~= "relative" and nxt ~= "depending" and nxt ~= "based" and nxt ~= "when" then
      for k = math.max(1, i - 6), i - 1 do if ASKS_CHANGE[word(tokens, k)] then return true end end
    end
  end
  return false
end

-- Whether every time word of the request is a rate adjective right before a measure ("yearly
-- death toll", "average daily visitors"): words about the measure, no time axis asked.
local RATE = { yearly = true, annual = true, monthly = true, weekly = true, daily = true, hourly = true,
  quarterly = true }
function rate_only(tokens, taken)
  local any = false
  for i, t in ipairs(tokens) do
    if t.w and not taken[i] and (lex.time_unit[t.w] or lex.time_words[t.w]) then
      local m = taken[i + 1] or taken[i + 2]
      -- ("yearly average price": the average taken each year, over time)
      if lex.aggregate[word(tokens, i + 1) or ""] then return false end
      if not (RATE[t.w] and m and m.col.role == "measure") then return false end
      any = true
    end
  end
  return any
end

-- The part of a cycle a request names outside column names ("by hour of the day", "per weekday"):
-- Vega-Lite's unit, and the tokens it spans.
local function cycle_of(tokens, taken)
  local words = {}
  for i, t in ipairs(tokens) do words[i] = t.w end
  for i = 1, #tokens do
    local unit, j = lex.cycle_at(words, i)
    -- ("time of day" over a column called time: the phrase, not the column alone)
    local function free(k) return not taken[k] or taken[k].col.role == "time" end
    if unit and free(i) and free(j) then return unit, i, j end
  end
  return nil
end

-- The time unit a request names outside column names ("monthly", "by year").
local function unit_of(tokens, taken)
  local unit
  local _, ci, cj = cycle_of(tokens, taken)
  for i, t in ipairs(tokens) do
    if t.w and not taken[i] and lex.time_unit[t.w] and not grain_word(tokens, taken, i)
        and not counted_unit(tokens, i) and not (ci and i >= ci and i <= cj) then
      unit = lex.time_unit[t.w]
    end
  end
  return unit
end

-- The chart type a request names, or nil. Some chart words are ordinary words too
-- ("line", "area", "column", "points"), so those need a chart word next to them.
local CHART_NOUNS = { chart = true, charts = true, graph = true, graphs = true, plot = true, plots = true,
  diagram = true }
local function named_chart(tokens)
  for i, t in ipairs(tokens) do
    local w = t.w
    if w then
      local nxt, prev = word(tokens, i + 1), word(tokens, i - 1)
      if w == "xy" and CHART_NOUNS[nxt] then return "scatter" end
      if w == "time" and nxt == "series" then return "line" end
      if w == "heat" and (nxt == "map" or nxt == "maps") then return "heatmap" end
      local kind = lex.chart[w]
      if kind then
        local noun = CHART_NOUNS[nxt]
        if w == "line" or w == "lines" or w == "area" or w == "column" or w == "columns" or w == "box" then
          if noun or (w == "box" and (nxt == "and" or nxt == "whisker"))
              or prev == "stacked" or prev == "a" and (nxt == nil or nxt == "with")
              -- a clause of its own ("median speed by longitude, line") or "as lines"
              or prev == nil and nxt == nil and i > 1
              or (prev == "as" or prev == "like") and w ~= "column" and w ~= "columns"
              -- "line of record highs" (not "line of best fit")
              or (w == "line" or w == "lines") and nxt == "of" and word(tokens, i + 2) ~= "best"
              -- "a line for each plant", "one line per chick"
              or (w == "line" or w == "lines") and (nxt == "per" or nxt == "each"
                or nxt == "for" and (word(tokens, i + 2) == "each" or word(tokens, i + 2) == "every")) then
            return kind
          end
        elseif w == "point" or w == "points" or w == "dots" or w == "bubble" or w == "boxes" then
          -- (not "each time point", "data points")
          local compound = prev == "time" or prev == "data"
          if not compound and (noun or i == #tokens or not tokens[i + 1].w or prev == "as" or prev == "like") then
            return kind
          end
        else
          return kind
        end
      end
    end
  end
  -- "delayed departures per month, stacked by airport": stacking with no chart named stacks bars
  for i, t in ipairs(tokens) do
    if (t.w == "stacked" or t.w == "stack") and word(tokens, i + 1) == "by" then return "bar" end
  end
  return nil
end

-- "a map of the zip codes", "a map-style view of where they were": rows drawn at their place, on a
-- table with latitude and longitude columns → the word's index, the longitude and latitude columns.
local MAP_WORDS = { map = true, maps = true, geographic = true, geographically = true, geographical = true }
-- "quake locations", "where the stations are" (over latitude and longitude): the places, mapped —
-- unless a column is called so
local ROWS_OF = { of = true, among = true, ["for"] = true }
local WHERE_LEAD = { show = true, me = true, us = true, tell = true, so = true, ok = true, map = true }
local function numbers_in(tokens)
  for _, t in ipairs(tokens) do if t.w and t.w:match("^%d") then return true end end
  return false
end
local PLACE_WORDS = { location = true, locations = true, positions = true, spatial = true, coordinates = true,
  whereabouts = true }
local function map_request(tokens, prof)
  local at
  for i, t in ipairs(tokens) do
    if MAP_WORDS[t.w] and word(tokens, i - 1) ~= "heat" then at = at or i end
    -- ("where are the sales", "where did they happen": a question of place opening the request)
    -- (not a condition: "where price is over 300")
    local opening = true
    for k = 1, i - 1 do opening = opening and (WHERE_LEAD[word(tokens, k) or ""] or false) end
    local where = t.w == "where" and opening and not numbers_in(tokens)
    if (PLACE_WORDS[t.w] or where) and not at then
      local named = false
      for _, c in ipairs(prof.columns) do
        for _, w in ipairs(c.words) do named = named or w == t.w or w == t.s end
      end
      if not named then at = i end
    end
  end
  if not at then return nil end
  local lon, lat = profile.coordinate(prof, "longitude"), profile.coordinate(prof, "latitude")
  if lat and lon then return at, lon, lat end
  return nil
end

local PER_TIME = { per = true, each = true, every = true, a = true }

-- "…, small multiples", "a panel per variable", "one chart each", "separate plots by region",
-- "faceted by": the request asks for the split as panels.
local PANEL_WORDS = { multiples = true, panels = true, panel = true, facet = true, faceted = true, facets = true,
  faceting = true, trellis = true, subplots = true, subplot = true }
local CHARTS = { chart = true, charts = true, plot = true, plots = true, graph = true, graphs = true }
local function panels_request(tokens)
  for i, t in ipairs(tokens) do
    local nxt = word(tokens, i + 1)
    if PANEL_WORDS[t.w] then return true end
    if (t.w == "separate" or t.w == "individual") and CHARTS[nxt or ""] then return true end
    if CHARTS[t.w] and (nxt == "each" or nxt == "per" or nxt == "for" and word(tokens, i + 2) == "each")
        and (word(tokens, i - 1) == "one" or word(tokens, i - 1) == "a") then
      return true
    end
  end
  return false
end

local PYRAMID = { pyramid = true, pyramids = true }
-- An aggregate word said of no column ("average commits per hour" where the commits are a count
-- column's things): mean, median, min or max (a superlative ranks rather than aggregates).
local function loose_aggregate(tokens, taken)
  for i, t in ipairs(tokens) do
    local a = t.w and not taken[i] and lex.aggregate[t.w]
    if a and a ~= "sum" and not lex.superlative[t.w] then return a end
  end
  return nil
end

-- "how much does each source produce in total": a total said of no column in particular.
local TOTAL_WORDS = { total = true, totals = true, sum = true, summed = true, altogether = true, combined = true }
local function loose_total(tokens, taken)
  for i, t in ipairs(tokens) do
    if t.w and not taken[i] and TOTAL_WORDS[t.w] then return true end
  end
  return false
end

-- Whether any word asks for a count ("how many", "number of", "count", "frequency").
local COUNT_WORDS = { number = true, numbers = true, many = true, frequency = true, frequencies = true,
  often = true, tally = true }
local function says_count(tokens)
  for _, t in ipairs(tokens) do
    if t.w and (lex.count[t.w] or COUNT_WORDS[t.w]) then return true end
  end
  return false
end

-- "number of X" / "how many X" / "most X" where X is not a column: a row count.
-- Second result: only the weak form ("the most people") asked, which a table with no rows to
-- count (one per time point or entity) reads as its measure.
local function count_phrase(tokens, taken)
  local weak = false
  for i, t in ipairs(tokens) do
    local w = t.w
    if w and lex.count[w] then
      -- "count" as a verb before a column still counts rows ("count the number of cars")
      return true, false
    end
    local most = (w == "most" or w == "fewest") and word(tokens, i - 1) == "the"
    if w == "number" or w == "numbers" or (w == "many" and word(tokens, i - 1) == "how") or most then
      local k = i + 1
      while tokens[k] and tokens[k].w and (lex.stop[tokens[k].w] and not taken[k])
          and (tokens[k].w == "of" or tokens[k].w == "fo" or tokens[k].w == "for" or tokens[k].w == "the") do
        k = k + 1
      end
      local m = taken[k]
      if not m or m.col.role == "id" then
        if tokens[k] and tokens[k].w then
          if not most then return true, false end
          weak = true
        end
      end
    end
    if (w == "records" or w == "rows") and word(tokens, i - 1) ~= "x" then return true, false end
    -- "quakes per day", "matches each month": things no column is named after, counted per time
    local unit = word(tokens, i + 1) and PER_TIME[word(tokens, i + 1)] and lex.time_unit[word(tokens, i + 2) or ""]
    if unit and w and t.s ~= w and not taken[i] and not lex.stop[w] and not lex.chart[w] and not lex.time_unit[w]
        and not lex.aggregate[w] then
      return true, false
    end
  end
  return weak, weak
end

-- Bins: "bin width of 500", "buckets of 500", "by 500 interval", "rounded to 500" → step;
-- "8 bins", "number of bins 8", "into 8 buckets" → maxbins.
local function bin_request(tokens, col)
  local span = col and col.max and col.min and (col.max - col.min) or nil
  for i, t in ipairs(tokens) do
    local n = t.w and tonumber(t.w)
    if n and n > 0 then
      local around = { word(tokens, i - 1), word(tokens, i - 2), word(tokens, i - 3), word(tokens, i + 1) }
      local binny = false
      for _, w in ipairs(around) do
        if w and (lex.distribution[w] or w == "rounded" or w == "width" or w == "size" or w == "bins"
            or w == "bucket" or w == "buckets") then binny = true end
      end
      if binny then
        local as_step = word(tokens, i - 1) == "of" or word(tokens, i - 1) == "to" or word(tokens, i - 2) == "width"
          or word(tokens, i - 2) == "size" or word(tokens, i - 1) == "size" or word(tokens, i - 1) == "width"
        if not as_step and span and span > 0 then
          -- a count of bins is small; a number that would make 2–200 bins of the range is a width
          as_step = n > 200 or (span / n >= 2 and span / n <= 200 and n > 50)
        end
        if as_step then return { step = n } end
        if n == math.floor(n) and n >= 1 and n <= 200 then return { maxbins = math.tointeger(n) } end
      end
    end
  end
  return nil
end

local THEME_WORDS = { dark = "dark", light = "light", night = "dark", black = "dark", white = "light" }
local function theme_request(tokens)
  local known = {}
  -- the theme registry may be missing or broken mid-reload; plain words still work then
  local ok, themes = pcall(require, "themes")
  if ok and type(themes) == "table" and type(themes.names) == "function" then
    local listed, names = pcall(themes.names)
    if listed and type(names) == "table" then
      for _, n in ipairs(names) do known[n] = n end
    end
  end
  for i, t in ipairs(tokens) do
    if t.w == "theme" or t.w == "mode" or t.w == "background" then
      for _, w in ipairs { word(tokens, i - 1), word(tokens, i + 1) } do
        if known[w] then return known[w] end
        if THEME_WORDS[w] then return THEME_WORDS[w] end
      end
    end
  end
  return nil
end

local function sort_request(tokens)
  for i, t in ipairs(tokens) do
    local w = t.w
    if w == "descending" or w == "desc" or w == "ranked" or w == "ranking" or w == "rank"
        or (w == "top" and tonumber(word(tokens, i + 1) or "")) then
      return "-y"
    end
    if w == "lowest" and word(tokens, i + 1) == "to" then return "y" end
    if lex.superlative[w] or w == "most" or w == "best" or w == "worst" then
      return (w == "lowest" or w == "smallest" or w == "worst") and "y" or "-y"
    end
    if w == "ascending" or w == "asc" then return "y" end
    if (w == "sort" or w == "sorted" or w == "order" or w == "ordered") and
        (word(tokens, i + 1) == "by" or word(tokens, i + 1) == nil) then
      return "-y"
    end
  end
  return nil
end

-- "top 10", "bottom 5", "10 biggest", "the 3 largest": a count of groups to keep.
local TOP_AFTER = { biggest = true, largest = true, highest = true, most = true, best = true, richest = true,
  smallest = true, lowest = true, least = true, worst = true, poorest = true }
local function top_request(tokens)
  for i, t in ipairs(tokens) do
    local n
    if (t.w == "top" or t.w == "bottom") then n = tonumber(word(tokens, i + 1) or "") end
    local after = word(tokens, i + 1)
    if not n and tonumber(t.w or "") and after and TOP_AFTER[after] then n = tonumber(t.w) end
    if n and n >= 1 and n <= 1000 and n == math.floor(n) then
      local w = (t.w == "top" or t.w == "bottom") and t.w or word(tokens, i + 1)
      return { n = math.tointeger(n), bottom = w == "bottom" or w == "smallest" or w == "lowest" or w == "least"
        or w == "worst" or w == "poorest" }
    end
  end
  return nil
end

-- An explicit title: 'titled "Fuel economy"', 'title: Fuel economy'.
local function title_request(prompt)
  local t = prompt:match("[Tt]itled?%s*:?%s*[\"“']([^\"”']+)[\"”']")
  if t then return t end
  t = prompt:match("[Tt]itled%s+(.-)%s*$") or prompt:match("[Tt]itle:%s*(.-)%s*$")
  if t and #t > 0 then return (t:gsub("[%.!]+$", "")) end
  return nil
end

-- Chart and aggregate words typed wrong ("histgram", "avergae", "scater") are read as meant,
-- unless the word is close to a column's word (then it names the column).
local PLANNER_WORDS = {}
for w in pairs(lex.chart) do PLANNER_WORDS[w] = true end
for w in pairs(lex.aggregate) do PLANNER_WORDS[w] = true end
for _, w in ipairs { "distribution", "relationship", "correlation", "percentage", "proportion", "compare",
  "stacked", "grouped", "horizontal", "histogram", "scatterplot", "heatmap", "boxplot" } do PLANNER_WORDS[w] = true end
local PLANNER_LIST = {}
for w in pairs(PLANNER_WORDS) do PLANNER_LIST[#PLANNER_LIST + 1] = w end
table.sort(PLANNER_LIST)

correct_typos = function(tokens, prof)
  for i, t in ipairs(tokens) do
    if t.w then
      local near_column = false
      for _, c in ipairs(prof.columns) do
        for _, cw in ipairs(c.content_words) do
          if lex.word_match(t.w, cw) >= 0.8 or lex.word_match(t.s, c.content[1] or "") >= 0.8 then near_column = true end
        end
      end
      local fixed = not near_column and lex.correct(t.w, PLANNER_WORDS, PLANNER_LIST)
      if fixed then tokens[i] = { w = fixed, s = lex.stem(fixed), typo = t.w } end
    end
  end
end

-- Whether the 1–3 words before mention m are a value of column c ("the East region").
-- A column's values as the tokenizer reads them ("1970-74" → "1970 74"), cached on the profile.
local function value_keys(c)
  if not c.value_keys then
    c.value_keys = {}
    for _, v in ipairs(c.values or {}) do
      local words = {}
      for _, t in ipairs(M.tokenize(tostring(v))) do if t.w then words[#words + 1] = t.w end end
      c.value_keys[table.concat(words, " ")] = true
    end
  end
  return c.value_keys
end

value_before = function(tokens, m, c)
  local set = value_keys(c)
  local words = {}
  for k = m.i - 1, math.max(1, m.i - 3), -1 do
    local w = word(tokens, k)
    if not w then break end
    table.insert(words, 1, w)
    if set[table.concat(words, " ")] then return true end
  end
  return false
end

-- Whether the word before mention m is a value of a column of categories other than c.
local function other_value_before(tokens, m, c, prof)
  for _, o in ipairs(prof.columns) do
    if o ~= c and o.role == "category" and o.values and value_before(tokens, m, o) then return true end
  end
  return false
end

-- "ships built 1970-74", "region East": the column's name, then one of its values (not after
-- "by": "by region, east and west" still groups; nor a list, "series I and II", compared).
local LIST_AFTER = { ["and"] = true, ["or"] = true, vs = true, versus = true, ["&"] = true }
local function value_after(tokens, m, c)
  local prev = word(tokens, m.i - 1)
  if prev == "by" or prev == "per" or prev == "each" or prev == "every" then return false end
  local set = value_keys(c)
  local words = {}
  for k = m.j + 1, m.j + 3 do
    local w = word(tokens, k)
    if not w then break end
    words[#words + 1] = w
    if set[table.concat(words, " ")] then
      local nxt = tokens[k + 1]
      local listed = nxt and (LIST_AFTER[nxt.w or ""] or nxt.p == "," and tokens[k + 2] and set[tokens[k + 2].w or ""])
      return not listed
    end
  end
  return false
end

-- Choosing -------------------------------------------------------------------

local default_agg = profile.default_agg

-- Words around a column's name that pool its values rather than draw them.
local POOL_BEFORE = { over = true, across = true, ["for"] = true, ["in"] = true, throughout = true, of = true }
local POOL_AFTER = { combined = true, pooled = true, together = true }

-- "monthly change in jobs" over nonfarm_change: a word the matcher skips as request language
-- ("change", "value", "number") names a measure when it is the last word of exactly one
-- measure's name and nothing else names a measure. Only where it reads as a noun: after "the",
-- "a", an adjective of time or an aggregate, or before "in"/"of" ("how did X change over time"
-- is a verb); never an aggregate, count, chart or time word itself.
local NOUN_BEFORE = { the = true, a = true, an = true, net = true, of = true }
local function stop_word_measure(tokens, prof, taken, fields)
  for _, f in ipairs(fields) do if f.col.role == "measure" then return nil end end
  for i = 2, #tokens do
    local t = tokens[i]
    if t.w and lex.stop[t.w] and not taken[i] and not lex.aggregate[t.w] and not lex.count[t.w]
        and not lex.chart[t.w] and not lex.time_unit[t.w] and not lex.name_function[t.w]
        and (NOUN_BEFORE[tokens[i - 1].w] or lex.time_unit[tokens[i - 1].w or ""] or lex.aggregate[tokens[i - 1].w or ""]
          or word(tokens, i + 1) == "in" or word(tokens, i + 1) == "of") then
      local found
      for _, c in ipairs(prof.columns) do
        if c.role == "measure" and #c.content >= 2 and c.head == t.s then
          if found then found = nil; break end
          found = c
        end
      end
      if found then
        taken[i] = { col = found, i = i, j = i, score = 0.5 }
        return { col = found, first = i, last = i, spans = { taken[i] } }
      end
    end
  end
end

-- Words for one drawn series ("one line per chick").
local SERIES_WORDS = { line = true, lines = true, curve = true, curves = true, series = true, trace = true }

-- Field info gathered from the mentions, in the order the request names them.
local function gather(tokens, prof)
  local ms, taken = M.mentions(tokens, prof)
  local fields, by_name = {}, {}
  local per_group = false
  for _, t in ipairs(tokens) do
    if t.w == "each" or t.w == "every" or t.w == "per" then per_group = true end
  end
  for _, m in ipairs(ms) do
    local c = m.col
    local f = by_name[c.name]
    if not f then
      f = { col = c, first = m.i, last = m.j, spans = {} }
      by_name[c.name] = f
      fields[#fields + 1] = f
    end
    f.spans[#f.spans + 1] = m
    local b = before(tokens, taken, m.i, 4)
    -- "lowest life expectancy in each cluster", "peak rate for each industry": a superlative of a
    -- measure per group is that group's min or max (without groups it ranks, below)
    local sup = b[1] and (lex.superlative[b[1]] or b[1] == "peak") and lex.aggregate[b[1]]
    if sup and not f.agg and per_group then f.agg = sup end
    -- "home goals" for home_score: the word said counts things, so they add up
    for k = m.i, m.j do
      if lex.additive[tokens[k].w] and not lex.additive[c.head or ""] and not profile.per_period(c) then
        f.spoken_agg = "sum"
      end
    end
    -- "strongest quake each day": the adjective names the measure and its aggregate at once
    local own = m.i == m.j and lex.superlative[tokens[m.i].w] and lex.aggregate[tokens[m.i].w]
    if own and not f.agg and per_group then f.agg = own end
    for idx, w in ipairs(b) do
      local agg = lex.aggregate[w]
      if agg and not lex.superlative[w] and not f.agg then
        -- "total number of" counts rows rather than summing a column
        if not (w == "total" and (b[idx - 1] == "number" or b[idx - 1] == "count")) then f.agg = agg end
      end
      if COLOR_CUES[w] then f.color_cue = true end
      if GROUP_CUES[w] then f.group_cue = true end
    end
    -- "country wise", "by origin" written after: "origin colored" is rare; only "wise"
    if word(tokens, m.j + 1) == "wise" then f.color_cue = true end
    -- "one line per chick", "a line for each plant": the series, whatever the column holds
    if (b[1] == "per" or b[1] == "each" or b[1] == "every") and (SERIES_WORDS[b[2] or ""]
        or (b[2] == "for" and SERIES_WORDS[b[3] or ""])) then
      f.color_cue, f.series = true, true
    end
    f.axis = f.axis or axis_of(tokens, taken, m)
    -- "number of cylinders", "# of cylinders": the column is itself a count of something
    local w1, w2 = word(tokens, m.i - 1), word(tokens, m.i - 2)
    if w1 == "number" or w1 == "numbers" or ((w1 == "of" or w1 == "for") and (w2 == "number" or w2 == "numbers")) then
      -- ("number of counties" over a column of county names: the things counted, as "how many")
      -- (and over a column numbering them: "number of districts" over district codes)
      if c.type == "quantitative" and c.role ~= "id" then f.counted = true else f.counted_things = true end
    end
    -- "how many low weight babies", "number of smokers": a column of 0s and 1s marking the things
    -- counted adds up its ones
    if (f.counted or w1 == "many" and w2 == "how") and c.type == "quantitative" and c.distinct == 2
        and c.min == 0 and c.max == 1 then
      f.counted, f.agg = nil, "sum"
    end
    -- "how many countries": the things counted, when they are a column of names
    -- ("count releases by year of end of life": the dates of the things counted)
    if (w1 == "many" and w2 == "how" or w1 == "count" and c.role == "time") and c.role ~= "measure" then
      f.counted_things = true
    end
    -- "top 10 countries", "which states", "engineers per state", "countries by income": a column
    -- of names is what the chart ranks or groups
    if c.role == "id" and m.score >= 0.8 and not f.counted and not f.counted_things then
      local after = taken[m.j + 2]
      -- "countries by income" opens the clause: nothing but function words before it
      local opens = true
      for _, w in ipairs(b) do
        if not lex.stop[w] or w == "of" or lex.distribution[w] or lex.count[w] then opens = false end
      end
      -- (many rows are grouped when only the top of them is drawn: "per county …, top 8")
      local few = (c.distinct or 0) <= shape.MAX_ENTITY_BARS or top_request(tokens) ~= nil
      if (ENTITY_GROUP[b[1]] and few) or RANK_AFTER[word(tokens, m.j + 1)]
          or (opens and word(tokens, m.j + 1) == "by" and after and after.col.role == "measure"
            and not after.col.discrete)
          or ENTITY_BEFORE[b[1]] or (tonumber(b[1] or "") and ENTITY_BEFORE[b[2]]) then
        f.entity = true
      end
      -- "per customer segment": the name only qualifies the next column named
      local nxt = taken[m.j + 1]
      if nxt and nxt ~= m then f.entity = nil end
    end
  end
  -- "profit by sub-category, average", "breaks by tension avg", "… by tension - mean please": an
  -- aggregate word closing the request (after a pause or a column's name; courtesy after it) is
  -- its measure's
  local last
  for i = #tokens, 1, -1 do
    if tokens[i].w and not COURTESY[tokens[i].w] then last = i; break end
  end
  local agg = last and not taken[last] and lex.aggregate[tokens[last].w]
  local before_last = word(tokens, last and last - 1 or 0)
  if agg and not lex.superlative[tokens[last].w] and last > 1 and (tokens[last - 1].p or before_last == "the"
      or before_last == "a" or before_last == "in" or taken[last - 1]
      or before_last and lex.time_unit[before_last] and not taken[last - 1]) then
    for _, f in ipairs(fields) do
      if f.col.role == "measure" and not f.agg and not f.col.discrete then f.agg = agg; break end
    end
  end
  local stop_named = stop_word_measure(tokens, prof, taken, fields)
  if stop_named then fields[#fields + 1] = stop_named end
  return fields, taken
end

-- The words between two mentions.
local function between(tokens, a, b)
  local out = {}
  for k = a.last + 1, b.first - 1 do
    if tokens[k].w then out[#out + 1] = tokens[k].w end
  end
  return out
end

local function channel(c, extra)
  local ch = { field = c.name }
  if c.role == "time" then
    if c.type == "temporal" then
      ch.type = "temporal"
    elseif c.years and c.min >= 1000 then
      ch.type, ch.timeUnit = "temporal", "year"
    else
      ch.type = "ordinal"
    end
  elseif c.role == "measure" then
    ch.type = "quantitative"
  else
    ch.type = "nominal"
  end
  for k, v in pairs(extra or {}) do ch[k] = v end
  return ch
end

-- Title words for a column name: kept as the data spells it.
local AGG_TITLE = { mean = "Average", sum = "Total", median = "Median", min = "Minimum", max = "Maximum",
  count = "Count" }

local function make_title(kind, x, y, color, agg)
  local function n(c) return c and c.name end
  if kind == "histogram" then return "Distribution of " .. n(x) end
  if kind == "scatter" then
    return n(y) .. " vs " .. n(x) .. (color and (" by " .. n(color)) or "")
  end
  local what = agg == "count" and "Count" or (AGG_TITLE[agg] and (AGG_TITLE[agg] .. " " .. n(y)) or n(y))
  if kind == "box" then what = "Distribution of " .. n(y) end
  if not x then return what end
  local t = what .. " by " .. n(x)
  if color then t = t .. " and " .. n(color) end
  return t
end

-- The title the planner gives a chart like `spec` (nil when it would not make one), so an edit
-- can tell the planner's titles, which follow the chart, from the user's, which stay.
function M.title_of(spec)
  local enc = spec.encoding or {}
  local function col(ch) return type(ch) == "table" and ch.field and { name = ch.field } or nil end
  local kind = spec.type
  local ok, title
  if kind == "pie" or kind == "donut" then
    ok, title = pcall(make_title, "pie", col(enc.color), col(enc.theta), nil, enc.theta and enc.theta.aggregate)
  elseif kind == "histogram" then
    ok, title = pcall(make_title, kind, col(enc.x))
  elseif kind == "heatmap" then
    -- (its colour is the measure, its y the second grid line: "Total cases by age and year")
    ok, title = pcall(make_title, kind, col(enc.x), col(enc.color), col(enc.y), enc.color and enc.color.aggregate)
  else
    ok, title = pcall(make_title, kind, col(enc.x), col(enc.y), col(enc.color), enc.y and enc.y.aggregate)
  end
  return ok and title or nil
end

-- Where a request says "vs not" / "or not" / "vs the rest" (the index of "vs"), or nil.
local REST = { ["not"] = true, non = true, others = true, rest = true, none = true }
local function versus_rest(tokens)
  for i, t in ipairs(tokens) do
    local nxt = word(tokens, i + 1) == "the" and word(tokens, i + 2) or word(tokens, i + 1)
    if (t.w == "vs" or t.w == "versus" or t.w == "or") and REST[nxt or ""] then return i end
  end
end

-- Picks the chart from the request's facts and the mentioned fields.
local function choose(tokens, prof, fields, taken)
  local named = named_chart(tokens)
  local count = count_phrase(tokens, taken)
  local wants_time = asks_time(tokens, taken) or (named == "line" or named == "area")
  local distribution = has_any(tokens, lex.distribution)
  -- ("smokers vs not" compares groups; it sets nothing against anything)
  local relation = has_any(tokens, lex.relation, taken) and not versus_rest(tokens)
  local share = false
  for i, t in ipairs(tokens) do
    -- "share price", "percent change": a share word naming a measure's kind is not a part of a whole
    local nxt = taken[i + 1]
    if t.w and (lex.share[t.w] or lex.share[t.s]) and not taken[i]
        and not (nxt and nxt.i == i + 1 and nxt.col.role == "measure") then
      share = true
    end
  end

  -- "deaths per race" over a death_date column: a time column named only by its other words names
  -- the events, not the time axis, when categories are named to draw them by
  local function weak_time(f)
    if f.col.role ~= "time" or #f.spans == 0 then return false end
    for _, m in ipairs(f.spans) do
      for k = m.i, m.j do
        local t = tokens[k]
        if t.w and (lex.time_name[t.s] or lex.time_unit[t.w] or lex.time_words[t.w]) then return false end
      end
    end
    return true
  end
  local others = false
  local measures_named = 0
  for _, f in ipairs(fields) do
    others = others or f.col.role == "category" or f.col.role == "id"
    if f.col.role == "measure" then measures_named = measures_named + 1 end
  end
  -- or two measures to set against each other ("where did the deaths happen? plot lat lon")
  others = others or measures_named >= 2 and named ~= "line" and named ~= "area"

  -- "average speed per direction category", "median price by floor area": a measure right after
  -- "per"/"by" while another measure is aggregated is what the aggregate is taken over
  local other_aggregated = 0
  for _, f in ipairs(fields) do if f.agg and f.col.role == "measure" then other_aggregated = other_aggregated + 1 end end
  -- ("people by age" over 19 ages of 30 rows each: whole numbers that repeat are groups too)
  local function numeric_group(f)
    if f.series then return true end
    local prev = word(tokens, f.first - 1)
    local c = f.col
    local repeats = c.integers and c.distinct <= profile.GROUP_VALUES_MAX and c.distinct * 5 <= c.count
      and measures_named >= 2 and f ~= fields[1]
    -- ("count of homes by beds and baths": rows counted by numbers of few values are grouped by them)
    -- (after "per"/"by" any whole numbers of few enough values: "how many patients per institution")
    local counted_by = count and (c.distinct <= 12 or c.integers and c.distinct <= profile.GROUP_VALUES_MAX
      and (prev == "per" or prev == "by" or prev == "each")) and c.distinct * 5 <= c.count
    if (counted_by or other_aggregated > 0) and prev == "and" then
      for k = f.first - 2, math.max(1, f.first - 5), -1 do if word(tokens, k) == "by" then prev = "by" end end
    end
    return not f.agg and (other_aggregated > 0 or repeats or counted_by) and not relation and named ~= "scatter"
      and not f.axis and (prev == "per" or prev == "by" or prev == "each" or prev == "across")
  end
  -- "top 8 sides by home goals": whole numbers a ranking of named things is by are its measure
  local ranked = false
  for _, f in ipairs(fields) do
    ranked = ranked or f.entity or f.col.role == "category" or f.col.role == "id"
  end
  local function ranks_by(f)
    return ranked and f.col.role == "measure" and word(tokens, f.first - 1) == "by" and top_request(tokens) ~= nil
  end
  local measures, groups, times, cats, explicit = {}, {}, {}, {}, {}
  local counted_rows = false -- "how many years …": what is counted was named
  for _, f in ipairs(fields) do
    local c = f.col
    if f.axis then explicit[f.axis] = explicit[f.axis] or f end
    if c.role == "time" and (others and weak_time(f) or f.counted or f.counted_things) and not f.axis then
      f.events = true -- left out: the rows are what the chart counts
      if f.counted or f.counted_things then count, counted_rows = true, true end
    elseif c.role == "time" then
      times[#times + 1] = f
    elseif c.role == "measure" and (not c.discrete or f.agg or f.axis == "y" or ranks_by(f))
        and not numeric_group(f) then
      measures[#measures + 1] = f
    elseif c.role == "measure" or c.role == "category" or c.role == "constant" or f.entity then
      groups[#groups + 1] = f
      if c.role ~= "measure" then cats[#cats + 1] = f end
    end
  end
  -- a time unit word ("monthly", "by year") with no time column named: the data's time column
  -- (not when it only says what a measure averaged per group is a rate of: "the average yearly
  -- death toll for each kind of disaster" compares the kinds)
  local per_group_rate = false
  for _, f in ipairs(fields) do per_group_rate = per_group_rate or f.agg and f.col.role == "measure" end
  local grouped = false
  for _, f in ipairs(groups) do grouped = grouped or f.group_cue and f.col.role ~= "measure" end
  local rate_per_group = per_group_rate and grouped and rate_only(tokens, taken)
  if rate_per_group then wants_time = false end
  -- "ridership on Cubs home game days vs not", "smokers or not": the groups of the column named
  -- before "vs not" are compared along x ("days" there is what the rows are, not a time axis)
  local rest_at = versus_rest(tokens)
  if rest_at and named ~= "line" and named ~= "area" then
    for k = #fields, 1, -1 do
      local f = fields[k]
      if f.last < rest_at and f.last >= rest_at - 4 and f.col.role ~= "time"
          and (f.col.role == "category" or (f.col.distinct or 99) <= 2) then
        f.axis = f.axis or "x"
        explicit.x = explicit.x or f
        if f.col.role == "measure" then
          for j = #measures, 1, -1 do if measures[j] == f then table.remove(measures, j) end end
          local found = false
          for _, g in ipairs(groups) do found = found or g == f end
          if not found then groups[#groups + 1] = f end
        end
        wants_time, rate_per_group = false, true
        break
      end
    end
  end
  if #times == 0 and not rate_per_group then
    local unit_word = unit_of(tokens, taken) ~= nil or cycle_of(tokens, taken) ~= nil
    -- "strikes per year": nothing but the unit named, so the rows are what is counted per period
    -- ("men and women per decade": groups named by their values are the series over time)
    local series_only = #groups > 0
    for _, f in ipairs(groups) do series_only = series_only and f.color_cue == true and not f.spans[1] end
    -- ("releases per year": the dates of the things named are counted per unit)
    local events = false
    for _, f in ipairs(fields) do events = events or f.events and f.col.type == "temporal" end
    if wants_time or (unit_word and (#measures + (count and 1 or 0) > 0 or #fields == 0 or series_only or events)
        and named ~= "scatter") then
      -- ("releases per year" over release and created dates: the dates of the events counted)
      local tc = prof.time
      for _, f in ipairs(fields) do if f.events and f.col.type == "temporal" then tc = f.col end end
      if tc then times[1] = { col = tc, first = math.huge, last = math.huge, implied = true } end
    end
  end

  -- "relationship between days to ship and profit": a relation asks for two quantities,
  -- so a whole-number column counts as a measure there, not as a grouping
  local aggregated = false
  for _, f in ipairs(fields) do aggregated = aggregated or f.agg ~= nil end
  if relation and not count and not share and not aggregated and (named == nil or named == "scatter") then
    for i = #groups, 1, -1 do
      local f = groups[i]
      if f.col.role == "measure" and not f.counted then table.insert(measures, 1, table.remove(groups, i)) end
    end
  end
  -- "days to ship by ship status": a whole-number column named first and then grouped
  -- "by" a category is the measure, unless rows are being counted
  -- (a distribution of it, or "the number of cylinders", still counts rows per value)
  if not count and not distribution and not share and #measures == 0 and #groups >= 2
      and groups[1].col.role == "measure" and not groups[1].counted then
    local rest = groups[2]
    if rest.group_cue and not rest.color_cue and rest.col.role == "category" and groups[1].first < rest.first then
      measures[1] = table.remove(groups, 1)
    end
  end
  -- "how many countries are in each cluster": the counted things are not the groups
  -- (on a table already counted, "how many survived by class": a few kinds of the things
  -- counted, yes/no, split the bars; only names of things are the rows themselves)
  local things, named_things = false, false
  for _, f in ipairs(groups) do
    things = things or f.counted_things
    named_things = named_things or f.counted_things and not (prof.weight and f.col.role == "category")
  end
  if things then count, counted_rows = true, true end
  if count and #groups >= 2 then
    for i = #groups, 1, -1 do
      if groups[i].counted_things and #groups > 1 and not (prof.weight and groups[i].col.role == "category") then
        local f = table.remove(groups, i)
        for k = #cats, 1, -1 do if cats[k] == f then table.remove(cats, k) end end
      end
    end
  end
  local unagg = {}
  for _, f in ipairs(measures) do
    if not f.agg then unagg[#unagg + 1] = f end
  end

  local plan = { counted_rows = counted_rows, counted_names = named_things }
  local function pick_color(exclude)
    for _, f in ipairs(cats) do
      if not exclude[f] then return f end
    end
    for _, f in ipairs(groups) do
      if not exclude[f] and f.color_cue then return f end
    end
    return nil
  end

  local kind = named
  -- "which year had the most power generated": periods ranked are bars
  for _, f in ipairs(times) do
    if not kind and word(tokens, f.first - 1) == "which" and (lex.time_unit[word(tokens, f.first) or ""]
        or lex.time_name[tokens[f.first].s or ""]) then
      kind = "bar"
    end
  end
  -- "end of life against release date": two dates set against each other are a scatter of them
  local set_against = #times == 2 and between(tokens, times[1], times[2])[1]
  if (not kind or kind == "scatter") and #measures == 0 and not count and set_against
      and lex.relation[set_against] then
    plan.kind, plan.y, plan.x = "scatter", times[1], times[2]
    plan.color = pick_color({})
    return plan
  end
  -- "scatter of forecast year against value": a scatter named over one measure and one time
  -- column (the first named: a later one may say which rows) sets the two against each other,
  -- the time across (not a histogram of the measure)
  if named == "scatter" and #measures == 1 and #groups == 0 and #times >= 1 then
    plan.kind, plan.x, plan.y = "scatter", times[1], measures[1]
    plan.color = pick_color({})
    return plan
  end
  if not kind then
    if share and #groups == 1 and #times == 0 and #unagg <= 1 and (groups[1].col.distinct or 99) <= MAX_PIE then
      kind = "pie"
    elseif #unagg >= 2 and #times == 0 and not relation and #groups == 0 and prof.timeseries and prof.time then
      -- "compare mining, construction and manufacturing" on a table over time: each over time
      kind = "line"
      times[1] = { col = prof.time, first = math.huge, last = math.huge, implied = true }
    elseif #unagg >= 2 and (#times == 0 or relation) then
      kind = "scatter"
    elseif #times > 0 and (#measures > 0 or count or #groups > 0) then
      -- (over a part of the cycle — "per hour of day", "by day of week" — each part is its own bar)
      kind = cycle_of(tokens, taken) and #groups == 0 and "bar" or "line"
    elseif #measures > 0 and #groups > 0 then
      kind = (distribution and #unagg > 0 and not count) and "box" or "bar"
    elseif #groups > 0 then
      kind = "bar"
    elseif #measures > 0 then
      kind = (#measures >= 2 and not count) and "scatter" or "histogram"
    elseif #times > 0 then
      kind = "line"
    else
      return nil, "no column of the data matches the request"
    end
  end

  -- Normalise what a named type can draw with these fields.
  if kind == "bar" and not named and distribution and #groups == 1 and #measures == 0 and #times == 0
      and groups[1].col.role == "measure" and not count then
    -- "distribution of days to ship": a whole-number measure alone still reads as a histogram
    kind = "histogram"
  end
  if kind == "histogram" and #groups > 0 and #unagg == 0 and groups[1].col.role ~= "measure" then kind = "bar" end
  if kind == "bar" and #groups == 0 and #times == 0 and #measures == 1 and not measures[1].agg
      and (count or distribution) then
    kind = "histogram"
  end
  if kind == "scatter" and #measures + #groups < 2 and #measures == 1 then kind = "histogram" end
  if (kind == "line" or kind == "area") and #times == 0 and #groups == 0 and #measures >= 2 then
    -- a line over a continuous measure: x is the one named after "by"/"per", else the first
    local at = 1
    for i, f in ipairs(measures) do
      local prev = word(tokens, f.first - 1)
      if prev == "by" or prev == "per" or prev == "across" then at = i end
    end
    for i, f in ipairs(measures) do if f.axis == "x" then at = i end end
    groups[1] = table.remove(measures, at)
  end

  local pool = {}
  for _, f in ipairs(measures) do pool[#pool + 1] = f end
  for _, f in ipairs(groups) do if f.col.role == "measure" then pool[#pool + 1] = f end end
  local a, b = pool[1], pool[2]
  -- "count per spray as points": one measure over categories is a strip of its values
  local category = groups[1] and groups[1].col.role ~= "measure" and groups[1]
  if kind == "scatter" and a and not b and category then
    kind = "strip"
  end
  plan.kind = kind
  if kind == "scatter" then
    if not b then return nil, "a scatter plot needs two numeric columns" end
    local x, y
    if explicit.x and explicit.x.col.role == "measure" then x = explicit.x end
    if explicit.y and explicit.y.col.role == "measure" then y = explicit.y end
    if x and not y then y = (x == a) and b or a end
    if y and not x then x = (y == a) and b or a end
    if not x then
      local mid = between(tokens, a, b)
      local y_first = false
      for _, w in ipairs(mid) do
        if Y_FIRST[w] then y_first = true end
      end
      if y_first then x, y = b, a else x, y = a, b end
      -- places drawn as on a map: longitude across, latitude up
      if lex.synonyms_of(y.col.head)["longitude"] or y.col.head == "longitude" then
        if lex.synonyms_of(x.col.head)["latitude"] or x.col.head == "latitude" then x, y = y, x end
      end
      -- columns called x and y go on the axes of those names ("scatter X vs Y")
      if y.col.name:lower() == "x" or x.col.name:lower() == "y" then x, y = y, x end
    end
    plan.x, plan.y = x, y
    plan.color = pick_color({ [x] = true, [y] = true })
    if plan.color and plan.color.col.role == "measure" and not plan.color.color_cue then plan.color = nil end
    -- "colour by speed": a third measure named for the colour is a colour scale
    for _, f in ipairs(measures) do
      if not plan.color and f ~= x and f ~= y and f.color_cue then plan.color = f end
    end
    return plan
  end

  if kind == "histogram" then
    local f = measures[1] or groups[1]
    if explicit.x and explicit.x.col.role == "measure" then f = explicit.x end
    if not f then return nil, "no numeric column named for a histogram" end
    plan.x = f
    plan.color = pick_color({ [f] = true })
    return plan
  end

  if kind == "heatmap" then
    -- two columns of groups on x and y (explicit axes first); the measure, or a count, is the colour
    local dims = {}
    local function add(f) for _, d in ipairs(dims) do if d == f then return end end dims[#dims + 1] = f end
    if explicit.x and explicit.x.col.role ~= "measure" then add(explicit.x) end
    if explicit.y and explicit.y.col.role ~= "measure" then add(explicit.y) end
    -- (a whole-number measure with few values is a grid line only when categories are too few:
    -- "heatmap of cases, age group by alcohol" colours by the cases)
    local categories = #times
    for _, f in ipairs(groups) do if f.col.role ~= "measure" then categories = categories + 1 end end
    -- ("heatmap of people by age and year": whole numbers named after "by" are a grid line too)
    for _, f in ipairs(groups) do
      if f.col.role ~= "measure" or categories < 2 and (f.col.discrete or f.group_cue) then add(f)
      elseif f.col.discrete and #measures == 0 then measures[1] = f end
    end
    for _, f in ipairs(times) do add(f) end
    -- "heatmap of people by age and year": numbers named after the first one are the grid's
    -- rows or columns (binned by the chart when they have many values); the first is the colour
    -- ("heatmap of weight and horsepower": two numbers alone are the grid, rows counted)
    local colour = measures[1]
    if #dims + #measures <= 2 then colour = nil end
    for i = colour and 2 or 1, #measures do
      if #dims < 2 then add(measures[i]) end
    end
    if #dims >= 2 then
      plan.x, plan.y = dims[1], dims[2]
      if explicit.y == dims[1] or explicit.x == dims[2] then plan.x, plan.y = dims[2], dims[1]
      elseif not (explicit.x or explicit.y) and dims[2].col.role == "time" and dims[1].col.role ~= "time" then
        -- ("source by year", "year by source"): time runs along x, as on every other chart
        plan.x, plan.y = dims[2], dims[1]
      end
      local m = colour
      plan.color = m
      plan.agg = m and (m.agg or m.spoken_agg or default_agg(m.col)) or "count"
      return plan
    end
    kind = "bar"
    plan.kind = kind
  end

  -- bar, line, area, pie, box: groups on x (time first for line/area), a measure or a count on y
  local y = explicit.y
  if y and y.col.role ~= "measure" then y = nil end
  y = y or measures[1]
  local x = explicit.x
  if x == y then x = nil end
  local order = {}
  if kind == "line" or kind == "area" then
    for _, f in ipairs(times) do order[#order + 1] = f end
  end
  -- a group named with a colour cue ("colored by origin") is the series, not the x axis; so is
  -- a category named bare before one named with "by"/"per" ("survivors per class")
  local cued = false
  for _, f in ipairs(groups) do cued = cued or f.group_cue and f.col.role ~= "measure" end
  local first = groups[1]
  if cued and first and not first.group_cue and not first.entity and first.col.role == "category" then
    first.color_cue = true
  end
  for _, f in ipairs(groups) do if not f.color_cue then order[#order + 1] = f end end
  for _, f in ipairs(times) do order[#order + 1] = f end
  for _, f in ipairs(groups) do if f.color_cue then order[#order + 1] = f end end
  if not x then
    for _, f in ipairs(order) do
      if f ~= y then x = f; break end
    end
  end
  if not x and y and kind == "box" then
    -- "boxplot of imdb rating": one box of the measure ("by content rating" can split it next)
    plan.y, plan.agg = y, nil
    return plan
  end
  if not x and y then
    -- only a measure: bars need groups, so draw its distribution
    plan.kind, plan.x = "histogram", y
    plan.color = pick_color({ [y] = true })
    return plan
  end
  if not x then return nil, "no column to group by" end
  if not y and kind == "box" then
    -- "per phase as box plots": boxes need a measure; the data's main one, which the note names
    local m = profile.main_measure(prof, { [x.col.name] = true })
    if not m then return nil, "a box plot needs a column of numbers" end
    y = shape.implied(m)
    plan.note = ("no measure was named, so the boxes show %s; name another column to change it"):format(m.name)
  end
  plan.x, plan.y = x, y
  if y then
    -- (boxes and strips draw every value)
    plan.agg = y.agg or (kind ~= "box" and kind ~= "strip" and (y.spoken_agg or default_agg(y.col))) or nil
    -- one row per group (the column naming each row): its value, not an aggregate of one
    if x.col == prof.key and not (y.agg or y.spoken_agg) and kind ~= "pie" then plan.agg = "none" end
  else
    plan.agg = "count"
  end
  local used = { [x] = true }
  if y then used[y] = true end
  if kind ~= "pie" then
    -- (a second time column of numbers named per group splits: "day by day for each month")
    for _, f in ipairs(order) do
      if not used[f] and (f.col.role ~= "time" or f.group_cue and f.col.type ~= "temporal") then
        plan.color = f
        break
      end
    end
    if not plan.color then
      for _, f in ipairs(cats) do if not used[f] then plan.color = f; break end end
    end
  end
  -- several measures named over time ("construction and manufacturing over time"): one series
  -- each, their columns folded into rows (which measure, its value)
  if (kind == "line" or kind == "area") and x.col.role == "time" and not plan.color and #unagg >= 2
      and y and not y.agg then
    plan.fold, plan.columns = unagg, prof.by_name
  end
  return plan
end

-- Builds the spec from a plan.
-- The chart's split drawn as panels: its colours, or — for bars of the series named on a table of
-- series over time — the series' lines, one panel each.
local PANEL_TYPES = { bar = true, line = true, area = true, scatter = true, histogram = true }
local function as_panels(spec, prof)
  local enc = spec.encoding
  if not PANEL_TYPES[spec.type] then return end
  if enc.color and enc.color.field and not enc.color.aggregate then
    enc.column = { field = enc.color.field, type = "nominal" }
    enc.color = nil
    if spec.options then spec.options.stacked = nil; if not next(spec.options) then spec.options = nil end end
  elseif spec.type == "bar" and prof.series and prof.time and enc.x and enc.x.field == prof.series.name
      and enc.y and enc.y.field then
    spec.type = "line"
    enc.column = { field = prof.series.name, type = "nominal" }
    enc.x = channel(prof.time)
    enc.y.aggregate = nil
    spec.transform = nil
    spec.title = M.title_of(spec)
  end
end

-- Dates a line draws one by one: about the points a chart's width shows apart.
local MAX_RAW_POINTS = 1000

-- Whether no two times of a column fall in one period of the unit (none: always).
local function one_per_period(times, unit)
  if not unit then return true end
  local seen = {}
  for _, t in ipairs(times) do
    local p = timeunit.floor(t, unit)
    if p == nil or seen[p] then return false end
    seen[p] = true
  end
  return true
end

local function to_spec(plan, tokens, prompt, taken)
  -- stacked bars add their parts up: averages stacked mean nothing unless asked for
  if plan.kind == "bar" and plan.color and plan.agg == "mean" and not (plan.y and plan.y.agg)
      and has_any(tokens, { stacked = true, stack = true }) then
    plan.agg = "sum"
  end
  local spec = { type = plan.kind, encoding = {} }
  local enc = spec.encoding
  local x, y, color = plan.x and plan.x.col, plan.y and plan.y.col, plan.color and plan.color.col
  if plan.kind == "histogram" then
    enc.x = channel(x, { bin = bin_request(tokens, x) or true })
    enc.y = { aggregate = "count", type = "quantitative", title = "Count" }
  elseif plan.kind == "scatter" then
    enc.x, enc.y = channel(x), channel(y)
  elseif plan.kind == "heatmap" then
    -- numbers with many values become ranges, or the grid has a column per value
    local function grid(c)
      local many = c.type == "quantitative" and c.role == "measure" and (c.distinct or 0) > 20
      return channel(c, many and { bin = true } or nil)
    end
    enc.x, enc.y = grid(x), grid(y)
    enc.color = color and channel(color, { aggregate = plan.agg, type = "quantitative" })
      or { aggregate = "count", type = "quantitative" }
    spec.title = (color and ((AGG_TITLE[plan.agg] or "") .. " " .. color.name):gsub("^ ", "") or "Count")
      .. " by " .. x.name .. " and " .. y.name
    color = nil
  elseif plan.kind == "pie" then
    enc.color = channel(x)
    enc.theta = y and channel(y, { aggregate = plan.agg }) or { aggregate = "count", type = "quantitative" }
  elseif plan.kind == "box" and not x then
    enc.y = channel(y)
  else
    enc.x = channel(x)
    if y then
      enc.y = channel(y, { aggregate = plan.agg ~= "none" and plan.agg or nil })
      if plan.kind == "box" or plan.kind == "strip" then enc.y.aggregate = nil end
    else
      enc.y = { aggregate = "count", type = "quantitative", title = "Count" }
    end
    if enc.x.type == "temporal" then
      local unit = unit_of(tokens, taken)
      -- a long span of many dates is drawn by month or year; a series of one row per date (or
      -- per date and series) with no more points than a chart shows is drawn as it is
      local drawable = plan.series_time == x and (x.distinct or math.huge) <= MAX_RAW_POINTS
      if not unit and not drawable and x.grain and x.grain ~= "year" and x.min and x.max then
        local years = (x.max - x.min) / (365.25 * 86400)
        unit = years > 10 and "year" or (years > 1 and "month" or nil)
      end
      enc.x.timeUnit = cycle_of(tokens, taken) or enc.x.timeUnit or timeunit.PERIOD[unit]
      -- one row per time point, drawn at the data's own grain (a monthly series by month): each
      -- value as it is, not an "average" of one, unless an aggregate was said ("population", a word
      -- of things that add up, sums one row to itself)
      if enc.y.field and enc.y.aggregate and not color and not plan.y.agg
          and x.distinct == x.count and x.count == plan.df.nrows and not cycle_of(tokens, taken)
          and ((x.grain == "year" or x.type == "quantitative") and (enc.x.timeUnit or "year") == "year"
            or one_per_period(plan.df.columns[x.name], enc.x.timeUnit)) then
        enc.y.aggregate = nil
        plan.agg = "none"
      end
    end
  end
  if plan.fold then
    -- the folded rows' names: Vega-Lite's "key"/"value" unless the data has such columns
    local names = {}
    for _, f in ipairs(plan.fold) do names[#names + 1] = f.col.name end
    local key, value = "key", "value"
    while plan.columns[key] do key = "_" .. key end
    while plan.columns[value] do value = "_" .. value end
    enc.y = { field = value, type = "quantitative", aggregate = enc.y.aggregate, title = "Value" }
    enc.color = { field = key, type = "nominal", title = "Series" }
    plan.steps = { { fold = json.array(names), as = json.array({ key, value }) } }
    spec.title = table.concat(names, ", "):gsub(", ([^,]*)$", " and %1") .. " by " .. x.name
  end
  if color and plan.kind ~= "pie" then enc.color = channel(color) end
  -- one row per time point and series (listings by date and city): each value as it is, unless
  -- an aggregate was said
  if color and enc.y and enc.y.field and enc.y.aggregate and enc.x and enc.x.type == "temporal"
      and not (plan.y and plan.y.agg) and not cycle_of(tokens, taken) and profile.one_row_each(plan.df, enc) then
    enc.y.aggregate = nil
    plan.agg = "none"
  end
  if plan.kind == "bar" and color and has_any(tokens, { stacked = true, stack = true, breakdown = true }) then
    spec.options = { stacked = true }
  end
  if plan.kind == "bar" then
    for i, t in ipairs(tokens) do
      if t.w == "horizontal" or (t.w == "horizontally") or (t.w == "sideways" and i > 0) then
        spec.options = spec.options or {}
        spec.options.horizontal = true
      end
    end
    local sort = sort_request(tokens) or plan.sort
    if sort then enc.x.sort = sort end
  end
  local steps = plan.steps or {}
  if plan.filter then
    steps[#steps + 1] = { filter = { field = plan.filter.field, oneOf = json.array(plan.filter.oneOf) } }
  end
  local top = top_request(tokens)
  local groups = plan.kind == "pie" and enc.color or enc.x
  if top and (plan.kind == "bar" or plan.kind == "pie") and groups and groups.field and groups.type == "nominal" then
    -- "top 10 countries by income": the N groups with the largest values
    local value = plan.kind == "pie" and enc.theta or enc.y
    local step = { top = top.n, groupby = json.array({ groups.field }),
      order = top.bottom and "ascending" or "descending" }
    if value and value.field then step.field, step.op = value.field, value.aggregate or "sum" else step.op = "count" end
    steps[#steps + 1] = step
    if plan.kind == "bar" then enc.x.sort = top.bottom and "y" or "-y" end
  end
  if #steps > 0 then spec.transform = json.array(steps) end
  spec.title = title_request(prompt) or spec.title or make_title(plan.kind, x, y, color, plan.agg)
  spec.theme = theme_request(tokens)
  return spec
end

-- Whether mention m is compared with a number: "over 80% urban population", "at least 5 kids",
-- "murder above 10", "budget of more than 100 million".
local COMPARED = { over = true, above = true, under = true, below = true, more = true, less = true, fewer = true,
  greater = true, higher = true, lower = true, exceeding = true, least = true, most = true }
function compared_with_number(tokens, m)
  -- before: a comparative, "than" perhaps, the number, a unit or a scale word perhaps
  local k = m.i - 1
  if k >= 1 and tokens[k].w and not tonumber(tokens[k].w) and not COMPARED[tokens[k].w] then k = k - 1 end
  if k >= 1 and tonumber(tokens[k].w or "") then
    local c = k - 1
    if word(tokens, c) == "than" then c = c - 1 end
    if COMPARED[word(tokens, c) or ""] then return true end
  end
  -- after: "urban population over 80", "murder of more than 10"
  local a = m.j + 1
  if word(tokens, a) == "of" or word(tokens, a) == "is" or word(tokens, a) == "at" then a = a + 1 end
  if COMPARED[word(tokens, a) or ""] then
    local n = a + 1
    if word(tokens, n) == "than" then n = n + 1 end
    return tonumber(word(tokens, n) or "") ~= nil
  end
  return false
end

-- plan(prompt, df, opts) → spec, info | nil, message. With no df the spec names the
-- fields it would need and carries `needs` for data synthesis, or is nil and a
-- not_a_chart_request error when the words ask for no chart. With df, info says which
-- columns the request named (stated), whether the chart had to be chosen for a vague request
-- (vague), the chart type it named, and notes for the reply. opts.theme is the request's own
-- theme field: it wins over a theme named in the words; opts.today ({ year, month, day }) is
-- the day time windows are read against (default: today).
function M.plan(prompt, df, opts)
  opts = opts or {}
  if type(prompt) ~= "string" or prompt:match("^%s*$") then return nil, "empty request" end
  prompt = require("planner.asides").strip(prompt, df)
  local tokens = M.tokenize(prompt)
  if not df then
    local spec, err = needs.plan(prompt, tokens, named_chart(tokens), opts.today)
    if not spec then return nil, err end
    spec.title = title_request(prompt) or spec.title
    spec.theme = opts.theme or theme_request(tokens)
    return spec
  end
  -- a quoted title is not words about the data ('titled "Where teams play"')
  tokens = M.tokenize((prompt:gsub('([Tt]itled?%s*:?%s*)["“][^"”]*["”]', "%1")))
  local prof = profile.profile(df)
  correct_typos(tokens, prof)
  local fields, taken = gather(tokens, prof)
  local info = { notes = {}, stated = {}, named_type = named_chart(tokens) }
  -- "the Central region", "Home Office customers": a column named after one of its values
  -- says which rows (a filter, read by the follow-up rules), not what to draw
  local pooled_over
  for i = #fields, 1, -1 do
    local f = fields[i]
    local all = #f.spans > 0 and f.col.values ~= nil
    for _, m in ipairs(f.spans) do
      if not (all and (value_before(tokens, m, f.col) or value_after(tokens, m, f.col))) then all = false end
    end
    -- "babies (age 0) per year": a number column followed by one of its values, likewise
    -- ("at age 1582 days": the column's unit word after the value is the same mention)
    local valued = #f.spans > 0 and f.col.type == "quantitative"
    for _, m in ipairs(f.spans) do
      local n = tonumber(word(tokens, m.j + 1) or "") or tonumber(word(tokens, m.i - 1) or "")
      if not (valued and n and f.col.min and n >= f.col.min and n <= f.col.max) then valued = false end
    end
    -- "by age across all years", "all regions combined": the column the values are pooled over
    -- (a date column still gives the cycle a time unit names: "by calendar month across all years")
    local pooled = #f.spans > 0 and #fields > 1 and not (f.col.role == "time" and unit_of(tokens, taken))
    local pooled_agg
    for _, m in ipairs(f.spans) do
      local all_before = word(tokens, m.i - 1) == "all" and POOL_BEFORE[word(tokens, m.i - 2) or ""]
      -- ("total across states", "averaged over the countries": an aggregate taken across them)
      local k = word(tokens, m.i - 1) == "the" and m.i - 2 or m.i - 1
      local across = (word(tokens, k) == "across" or word(tokens, k) == "over") and lex.aggregate[word(tokens, k - 1) or ""]
        and not lex.superlative[word(tokens, k - 1) or ""]
      if across then pooled_agg = lex.aggregate[word(tokens, k - 1)] end
      if not (all_before or across or POOL_AFTER[word(tokens, m.j + 1) or ""]) then pooled = false end
    end
    if pooled and pooled_agg then
      for _, g in ipairs(fields) do
        if g ~= f and g.col.role == "measure" and not g.agg then g.agg = pooled_agg; break end
      end
    end
    -- "states with over 80% urban population", "murder above 10": a column compared with a number
    -- says which rows (rows.ranges reads the filter), while other columns say what to draw
    local compared = #f.spans > 0 and f.col.type == "quantitative" and #fields > 1
    for _, m in ipairs(f.spans) do
      if not compared_with_number(tokens, m) then compared = false end
    end
    -- "uptake for chilled plants only", "mpg of USA cars": a plural noun of a column of names
    -- after a value of another column names the rows kept, not groups to draw
    local kind_of_rows = #f.spans > 0 and f.col.role ~= "measure" and f.col.role ~= "time" and #fields > 1
    for _, m in ipairs(f.spans) do
      local said = word(tokens, m.j)
      if not (kind_of_rows and m.i == m.j and said and said:match("s$") and said ~= f.col.joined
          and not GROUPING_BEFORE[word(tokens, m.i - 1) or ""] and other_value_before(tokens, m, f.col, prof)) then
        kind_of_rows = false
      end
    end
    -- "avg deaths a year", "sales a month": a time column said as "a <unit>" after a measure is
    -- the measure's rate, not an axis
    local rate = #f.spans > 0 and f.col.role == "time" and #fields > 1
    for _, m in ipairs(f.spans) do
      local article = word(tokens, m.i - 1)
      local said_before = taken[m.i - 2]
      if not (rate and m.i == m.j and (article == "a" or article == "an") and lex.time_unit[word(tokens, m.i) or ""]
          and said_before and said_before.col.role == "measure") then
        rate = false
      end
    end
    -- "age distribution of the patients", "income among the respondents": a plural noun ending the
    -- request after "of the", read only loosely (pat.karno), names the rows
    local last_word = 0
    for k = #tokens, 1, -1 do if tokens[k].w then last_word = k; break end end
    local rows_noun = #f.spans > 0 and #fields > 1
    for _, m in ipairs(f.spans) do
      local said = word(tokens, m.j)
      if not (rows_noun and m.i == m.j and m.j == last_word and m.score < 0.9 and said and said:match("s$")
          and word(tokens, m.i - 1) == "the" and ROWS_OF[word(tokens, m.i - 2) or ""]) then
        rows_noun = false
      end
    end
    if pooled then pooled_over = f.col end
    if all or valued or pooled or compared or kind_of_rows or rate or rows_noun then table.remove(fields, i) end
  end
  -- a map is a scatter of the rows' places: longitude across, latitude up
  local map_at, lon, lat = map_request(tokens, prof)
  if map_at and not named_chart(tokens) then
    tokens[map_at] = { w = "scatter", s = "scatter" }
    info.named_type = "scatter"
    -- ("where they happened": the place is the map's, not a column of place names read loosely)
    for i = #fields, 1, -1 do
      local loose = fields[i].col.place and #fields[i].spans > 0
      for _, m in ipairs(fields[i].spans) do loose = loose and m.score < 0.8 end
      if loose then table.remove(fields, i) end
    end
    for _, pair in ipairs { { lon, "x" }, { lat, "y" } } do
      local f
      for _, g in ipairs(fields) do if g.col == pair[1] then f = g end end
      if not f then
        f = { col = pair[1], first = map_at, last = map_at, spans = {} }
        table.insert(fields, 1, f)
      end
      f.axis = pair[2]
    end
  end
  -- "by industry", "which company", "top 10 products" where no column is called that: the data's
  -- one column of categories, or the column that names its rows or splits them into series
  local has_group = false
  for _, f in ipairs(fields) do
    local counted_time = f.col.role == "time" and (f.counted or f.counted_things)
    has_group = has_group or profile.groupable(f.col) or f.col.role == "time" and not counted_time or f.entity
  end
  if not has_group then
    for i, t in ipairs(tokens) do
      -- ("side by side" is how bars stand, never a column called "side")
      local grouping = t.w == "by" and not (word(tokens, i - 1) == "side" and word(tokens, i + 1) == "side")
        or t.w == "per" or t.w == "each"
      local k = i + 1
      if ENTITY_BEFORE[t.w] and tonumber(word(tokens, k) or "") then k = k + 1 end
      -- "for each kind of disaster": the noun after the kind word
      if KIND_WORDS[word(tokens, k)] and word(tokens, k + 1) == "of" and word(tokens, k + 2) and not taken[k] then
        k = k + 2
      end
      local nxt = tokens[k]
      if (grouping or ENTITY_BEFORE[t.w]) and nxt and nxt.w and not taken[k]
          and not lex.stop[nxt.w] and not lex.time_unit[nxt.w] and not tonumber(nxt.w)
          and not lex.row_nouns[nxt.s] and word(tokens, k + 1) ~= "of" then
        local c
        if grouping then
          c = profile.only_category(prof) or prof.series
        else
          c = prof.series or prof.key or profile.only_category(prof)
        end
        if c then
          fields[#fields + 1] = { col = c, first = k, last = k, spans = {}, group_cue = true, entity = true }
          info.notes[#info.notes + 1] = ('read "%s" as the column %s'):format(nxt.w, c.name)
        end
        break
      end
    end
  end
  -- categories named by their values ("USA, Japan and Europe") join as a field
  local named_values = value_mentions(tokens, prof, taken, prompt)
  for name, n in pairs(named_values) do
    local seen = false
    for _, f in ipairs(fields) do if f.col.name == name then seen = true end end
    -- series over time named by their values ("floods vs droughts") stay lines: shape.fit keeps them
    local series = prof.series and prof.series.name == name
    if not seen and n >= 2 and not series then
      fields[#fields + 1] = { col = prof.by_name[name], first = math.huge, last = math.huge, spans = {},
        color_cue = true }
    end
  end
  -- a column of codes named as a group ("by species" over gap_species_code): its labels instead;
  -- an aggregate the data holds already ("mean delay" beside avg_delay): that column
  for _, f in ipairs(fields) do
    local coded = f.spans[1] and f.spans[1].coded
    if coded and f.counted then
      f.col = coded
    elseif coded then
      info.notes[#info.notes + 1] = ("drawn by %s, the names of the %s codes"):format(f.col.name, coded.name)
    end
    -- (unless the column was named by its own name: "average delayed" is the mean of `delayed`)
    local exact = false
    for _, m in ipairs(f.spans) do
      local words = {}
      for k = m.i, m.j do words[#words + 1] = tokens[k].w end
      exact = exact or table.concat(words) == f.col.joined
    end
    local held = f.agg and not exact and profile.preaggregated(prof, f.col, f.agg)
    if held then f.col = held end
  end
  for _, f in ipairs(fields) do
    local strong = false
    for _, m in ipairs(f.spans) do strong = strong or m.score >= 0.45 end
    if strong and f.col.role ~= "id" then info.stated[#info.stated + 1] = f.col.name end
  end
  local plan = choose(tokens, prof, fields, taken)
  local named = named_chart(tokens)
  -- "population pyramid" naming no column: shape.fit draws it from a table of counts
  if not plan and has_any(tokens, PYRAMID) then
    local p = {}
    if shape.pyramid(p, prof) then plan = p end
  end
  if not plan and prof.series and (not named or named == "line" or named == "area") then
    -- nothing named of a table of several series over time ("floods vs droughts", "how did they
    -- do?"): its main measure over time, per series (shape.fit colours and filters them)
    local m = profile.main_measure(prof)
    if m then
      plan = { kind = named or "line", x = shape.implied(prof.time), y = shape.implied(m), agg = default_agg(m) }
      info.vague = true
      info.notes[#info.notes + 1] = ("the request names no column, so chartd chose %s, %s and %s; say which "
        .. "columns you want"):format(prof.time.name, m.name, prof.series.name)
    end
  end
  local spec
  if plan then
    local count, weak = count_phrase(tokens, taken)
    plan.pooled_over = pooled_over
    shape.fit(plan, { named = named_chart(tokens), distribution = has_any(tokens, lex.distribution),
      binned = bin_request(tokens, nil) ~= nil, count = count, weak_count = weak, said_agg = loose_aggregate(tokens, taken),
      said_total = loose_total(tokens, taken),
      pyramid = has_any(tokens, PYRAMID),
      rank = has_any(tokens, RANK_CUES), relation = has_any(tokens, lex.relation),
      series_values = shape.named_series(tokens, taken, prof.series) }, prof, df)
    if plan.note then info.notes[#info.notes + 1] = plan.note end
    plan.df, plan.series_time = df, prof.timeseries and prof.time or nil
    spec = to_spec(plan, tokens, prompt, taken)
    if panels_request(tokens) then as_panels(spec, prof) end
    -- rows counted per group because no measure was named: a chart the next request completes
    info.vague = info.vague or plan.agg == "count" and not count_phrase(tokens, taken) and plan.kind ~= "histogram"
    -- (no measure named and no word of counting: in a conversation, the chart before says what to show)
    local measure = plan.kind == "heatmap" and plan.color or plan.y
    info.measure_guessed = plan.kind ~= "histogram" and plan.kind ~= "scatter" and (not measure or measure.implied)
      and not says_count(tokens) or nil
    -- "avg households per region" over no such column: rows counted, the aggregate kept for the
    -- measure a later request names
    local y = spec.encoding.y
    if y and y.aggregate == "count" and not y.field then info.said_agg = loose_aggregate(tokens, taken) end
  else
    -- nothing named, or not enough for the chart type named: the data's most telling columns
    local note
    -- ("engine size distribution" over no column of that name: a distribution is a histogram)
    -- (of groups named: "spread of brightness by star class" is boxes)
    local grouped = false
    for _, f in ipairs(fields) do grouped = grouped or f.col.role == "category" end
    local kind = named_chart(tokens) or has_any(tokens, lex.distribution) and (grouped and "box" or "histogram") or nil
    spec, note = vague.plan(df, prof, kind)
    if not spec then return nil, "no column of the data matches the request" end
    spec.title = title_request(prompt)
    info.vague = true
    info.notes[1] = note
  end
  for _, t in ipairs(tokens) do
    if lex.COARSER_THAN_YEAR[t.w or ""] and spec.encoding.x and spec.encoding.x.timeUnit == "year" then
      info.notes[#info.notes + 1] = ('chartd has no time unit for a "%s", so the chart is by year'):format(t.w)
      break
    end
  end
  for _, note in ipairs(require("planner.keeps_rows").drop_empty(spec, df)) do info.notes[#info.notes + 1] = note end
  spec.theme = opts.theme or spec.theme or theme_request(tokens)
  return spec, info
end

M.profile = profile.profile

return M
