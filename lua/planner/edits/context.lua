-- What every follow-up rule reads: the request's tokens (with typos of command words
-- corrected), the data's columns named in it (matched as the one-shot planner matches them:
-- multi-word names, plurals, misspellings, synonyms), values of the data named in it, and the
-- spec being edited. Rules mark the tokens they explain, so the rest can be judged after.
local frame = require "data.frame"
local lex = require "planner.lexicon"
local numbers = require "planner.edits.numbers"
local offline = require "planner.offline"
local profile = require "planner.profile"
local vocab = require "planner.edits.vocab"

local M = {}
local column_values, reasons

-- Categorical columns with more distinct values than this are not searched for named values;
-- with more than MAX_FUZZY, only for values written exactly.
M.MAX_VALUES = 5000
M.MAX_FUZZY = 300

local Ctx = {}
Ctx.__index = Ctx

-- A column's values as match keys (stemmed words) → { col, value, n = words, few = fuzzy-able },
-- cached by the column's array (a frame's views share it), so a conversation's follow-ups on the
-- same data tokenize its values once.
local value_cache = setmetatable({}, { __mode = "k" })
column_values = function(df, name)
  local col = df.columns[name]
  local cached = value_cache[col]
  if cached then return cached end
  local out = {}
  local list = frame.distinct(df, name)
  -- a column of places' codes ("TX", "NY") also answers to the places' names ("texas", "new york")
  local named_codes = 0
  for _, v in ipairs(list) do if lex.place_names[v] then named_codes = named_codes + 1 end end
  local by_name = named_codes * 2 > #list
  if #list <= M.MAX_VALUES then
    for _, v in ipairs(list) do
      local words = {}
      for _, tok in ipairs(offline.tokenize(tostring(v))) do
        if tok.w then words[#words + 1] = tok.s end
      end
      if #words > 0 and #words <= 4 then
        local hit = { col = name, value = v, n = #words, few = #list <= M.MAX_FUZZY }
        out[table.concat(words, " ")] = hit
        if by_name and lex.place_names[v] then
          for _, place in ipairs(lex.place_names[v]) do
            local key = {}
            for _, tok in ipairs(offline.tokenize(place)) do key[#key + 1] = tok.s end
            key = table.concat(key, " ")
            out[key] = out[key] or hit
          end
        end
        -- a one-word value also answers to the words people use for it ("women" for Female)
        if #words == 1 then
          for syn in pairs(lex.value_synonyms_of(words[1])) do
            if #syn >= 3 then out[syn] = out[syn] or hit end
          end
        end
      end
    end
  end
  value_cache[col] = out
  return out
end

function Ctx:w(i)
  local t = self.tokens[i]
  return t and t.w
end

function Ctx:mark(...)
  for _, i in ipairs { ... } do
    if self.tokens[i] then self.used[i] = true end
  end
end

function Ctx:free(i)
  return self.tokens[i] ~= nil and self.tokens[i].w ~= nil and not self.used[i]
end

-- The first index from i on whose word is in `set` (and not used), within n tokens.
function Ctx:find(set, i, n)
  for k = i or 1, math.min(#self.tokens, (i or 1) + (n or #self.tokens) - 1) do
    local w = self:w(k)
    if w and set[w] and not self.used[k] then return k end
  end
  return nil
end

-- Whether any word of `set` appears (unused) anywhere.
function Ctx:has(set)
  return self:find(set) ~= nil
end

-- The column mention covering token i, or nil.
function Ctx:mention_at(i)
  return self.taken and self.taken[i] or nil
end

-- Whether a mention is still to be explained: no rule took it or marked one of its words.
function Ctx:open(m)
  if m.used then return false end
  for k = m.i, m.j do if self.used[k] then return false end end
  return true
end

-- The first unused column mention starting within [i, i + n), skipping filler and stop words.
function Ctx:mention_after(i, n)
  local k, steps = i, 0
  while self.tokens[k] and steps < (n or 4) do
    local m = self:mention_at(k)
    if m and self:open(m) then return m end
    local t = self.tokens[k]
    if t.p and t.p ~= "," then return nil end
    if t.w and not (lex.stop[t.w] or vocab.filler[t.w]) then steps = steps + 1 end
    k = k + 1
  end
  return nil
end

-- Marks a mention (and its tokens) as explained.
function Ctx:take(m)
  m.used = true
  for k = m.i, m.j do self.used[k] = true end
  return m.col.name
end

-- Mentions not yet explained by a rule, in request order.
function Ctx:free_mentions()
  local out = {}
  for _, m in ipairs(self.mentions) do if self:open(m) then out[#out + 1] = m end end
  return out
end

function Ctx:edit(name)
  for _, e in ipairs(self.edits) do if e == name then return end end
  self.edits[#self.edits + 1] = name
end

function Ctx:note(text)
  for _, n in ipairs(self.notes) do if n == text then return end end
  self.notes[#self.notes + 1] = text
end

-- An edit that cannot be applied: the reason is told to the user.
function Ctx:refuse(text)
  self.refusals[#self.refusals + 1] = text
end

-- The data's type of a column.
function Ctx:type_of(name)
  return self.df and self.df.types[name]
end

-- Values of categorical columns named in the request: { col =, value =, i =, j = } in
-- request order, longest first where they overlap. Case, plurals and small typos of longer
-- values are forgiven.
local POSITIONS = vocab.set [[right left top bottom center centre middle inside outside above below]]
function Ctx:value_mentions()
  if self._values then return self._values end
  local out = {}
  self._values = out
  local df = self.df
  if not df then return out end
  local index, capitals = {}, {}
  for _, name in ipairs(df.names) do
    local t = df.types[name]
    if t == "nominal" or t == "ordinal" then
      for key, hit in pairs(column_values(df, name)) do
        index[key] = index[key] or {}
        table.insert(index[key], hit)
        -- a place's code written in capitals ("just NY") for a value that is its name ("New York")
        local low = tostring(hit.value):lower()
        local code = lex.place_codes[low] or lex.country_codes[low]
        if code and self.prompt:find("%f[%w]" .. code .. "%f[%W]") then
          index[code:lower()] = index[code:lower()] or {}
          table.insert(index[code:lower()], hit)
          capitals[code:lower()] = true
        end
      end
    end
  end
  local fuzzy_keys = {}
  -- a value run together with a word of its column's name: "daytime" for Day of "Time of day",
  -- "nighttime" for Night
  local compound = {}
  local FUNCTION_WORDS = { the = true, ["and"] = true, ["for"] = true, per = true, with = true, from = true }
  for key, hits in pairs(index) do
    if #key >= 3 and hits[1].few then fuzzy_keys[#fuzzy_keys + 1] = key end
    if key:match("^%a%a%a+$") and hits[1].few then
      for _, h in ipairs(hits) do
        for w in h.col:lower():gmatch("%a+") do
          if #w >= 3 and not FUNCTION_WORDS[w] and w ~= key then
            compound[key .. w] = compound[key .. w] or {}
            table.insert(compound[key .. w], h)
          end
        end
      end
    end
  end
  table.sort(fuzzy_keys)
  -- columns of short lower-case codes ("bc", "wc", "prof", "carni"), whose codes clip words ("professional",
  -- "carnivores")
  local short = {}
  for _, name in ipairs(df.names) do
    local all = nil
    for _, hit in pairs(column_values(df, name)) do
      all = (all ~= false) and #tostring(hit.value) <= 7 and tostring(hit.value):match("^%l+$") ~= nil
    end
    short[name] = all or nil
  end
  -- a value written loosely: a typo in one of its words ("home ofice"), or a derived word
  -- ("rainy" for rain, "snowy" for snow, "females" for FEMALE)
  local function near(i, key)
    local words = {}
    for w in key:gmatch("%S+") do words[#words + 1] = w end
    for k, w in ipairs(words) do
      local t = self.tokens[i + k - 1]
      -- (a word of place on the chart is never a typo of a value: "legend on the right" ≠ Night)
      if not (t and t.w) or lex.stop[t.w] or vocab.command[t.w] or POSITIONS[t.w] then return nil end
      local ok = t.s == w or (#w >= 4 and lex.word_match(t.s, w) >= 0.8)
        or (#w >= 3 and #t.s <= #w + 2 and t.s:sub(1, #w) == w and t.s:sub(#w + 1):match("^[ysin]*$"))
        or (#words == 1 and #w >= 3 and short[index[key][1].col] and #t.s >= #w + 3 and t.s:sub(1, #w) == w)
      if not ok then return nil end
    end
    return i + #words - 1
  end
  local i = 1
  while i <= #self.tokens do
    local found
    for len = 4, 1, -1 do
      local parts, ok = {}, true
      for k = i, i + len - 1 do
        local t = self.tokens[k]
        if not (t and t.w) then ok = false; break end
        parts[#parts + 1] = t.s
      end
      if ok then
        local key = table.concat(parts, " ")
        local hits = index[key]
        -- a single common word ("other", "none") names a value only when it is not a stop word
        -- (a code in capitals may be one: "US")
        if hits and not (len == 1 and (lex.stop[key] or vocab.command[key]) and not capitals[key]) then
          found = { hits = hits, i = i, j = i + len - 1 }
          break
        end
      end
    end
    local t = self.tokens[i]
    if not found and t.w and compound[t.w] then found = { hits = compound[t.w], i = i, j = i } end
    if not found then
      if t.w and #t.s >= 3 and not lex.stop[t.w] and not vocab.command[t.w] and not self:mention_at(i) then
        for _, key in ipairs(fuzzy_keys) do
          local j = near(i, key)
          if j then found = { hits = index[key], i = i, j = j }; break end
        end
      end
    end
    if found then
      for _, h in ipairs(found.hits) do
        out[#out + 1] = { col = h.col, value = h.value, i = found.i, j = found.j, crowded = not h.few or nil }
      end
      i = found.j + 1
    else
      i = i + 1
    end
  end
  return out
end

-- Values named loosely, read only from words no rule explained (rules.loose_values runs last):
-- one word of a longer value ("nuclear" for "Nuclear Energy", "contiguous" for "Contiguous
-- US") and a name whose code the data holds ("microsoft" for MSFT, "texas" for TX: the code's
-- letters in order in the word, the first letters equal). A word counts only when it points at
-- one value of its column, or as a plural at all the values that share it ("the Georges"; a
-- count before it must be theirs). Same shape as value_mentions, with loose = true (and word_of
-- = true for one word of a longer value, which rows.loose_values takes only beside a filter
-- cue). strict (a first turn, where every word is free): a plural word names no code.
local function is_code(v)
  return type(v) == "string" and #v >= 2 and #v <= 5 and v:match("^%u[%u%d]+$") ~= nil
end

-- Whether code (lower case) abbreviates word: first letters equal, the rest in order; a doubled
-- letter of the code may stand for one letter of the word (AAPL, "apple").
local function abbreviates(code, word)
  if #word < 3 or #word < #code or code:sub(1, 1) ~= word:sub(1, 1) then return false end
  local k = 2
  for c = 2, #code do
    local ch = code:sub(c, c)
    -- a doubled letter of the code may use the word's last matched letter again
    local reused = ch == code:sub(c - 1, c - 1) and word:sub(k - 1, k - 1) == ch
    if not reused then
      local at = word:find(ch, k, true)
      if not at then return false end
      k = at + 1
    end
  end
  return true
end

-- Words asked with "how" for a degree ("how long", "how big", "how often").
local HOW_DEGREE = vocab.set [[long much many big fast old often far high large well tall heavy deep wide small low
  short hot cold early late good bad strong quick slow young close near]]
function Ctx:loose_value_mentions(strict)
  local out, df = {}, self.df
  if not df then return out end
  local by_word, shared, codes = {}, {}, {}
  for _, name in ipairs(df.names) do
    local t = df.types[name]
    if t == "nominal" or t == "ordinal" then
      local per_word, col_codes, n_values, n_codes, all_of = {}, {}, 0, 0, {}
      for _, hit in pairs(column_values(df, name)) do
        if not hit.few then break end
        n_values = n_values + 1
        if is_code(hit.value) then n_codes = n_codes + 1; col_codes[#col_codes + 1] = hit end
        if hit.n > 1 then
          for w in tostring(hit.value):lower():gmatch("%a+") do
            local st = lex.stem(w)
            if #st >= 3 and not lex.stop[w] then
              if per_word[st] == nil then per_word[st] = hit elseif per_word[st] ~= hit then per_word[st] = false end
              all_of[w] = all_of[w] or {}
              all_of[w][hit] = true
            end
          end
        end
      end
      for st, hit in pairs(per_word) do
        if hit then by_word[st] = by_word[st] or {}; table.insert(by_word[st], hit) end
      end
      -- a word several values share ("George" of "George I", "George II"): its plural names them all
      for w, hits in pairs(all_of) do
        local list = {}
        for h in pairs(hits) do list[#list + 1] = h end
        if #list > 1 then
          table.sort(list, function(a, b) return tostring(a.value) < tostring(b.value) end)
          shared[w .. "s"], shared[w .. "es"] = list, list
        end
      end
      -- codes only where the column is a column of codes (tickers, state or airport codes)
      if n_values > 0 and n_codes * 2 >= n_values then codes[#codes + 1] = col_codes end
    end
  end
  -- a place's name for its code ("new york" for NY): the code in one of the columns of codes
  local function by_place(i)
    for len = 3, 1, -1 do
      local words = {}
      for k = i, i + len - 1 do
        if not (self:free(k) and not self:mention_at(k)) then break end
        words[#words + 1] = self:w(k)
      end
      local code = #words == len and lex.place_codes[table.concat(words, " ")]
      if code then
        for _, list in ipairs(codes) do
          for _, hit in ipairs(list) do if hit.value == code then return { hit }, i + len - 1 end end
        end
      end
    end
    return nil
  end
  local i = 1
  while i <= #self.tokens do
    local t = self.tokens[i]
    local placed, j = by_place(i)
    if placed then
      out[#out + 1] = { col = placed[1].col, value = placed[1].value, i = i, j = j, loose = true, place = true }
      i = j
    elseif self:free(i) and not self:mention_at(i) and not lex.stop[t.w] and not vocab.command[t.w]
        and not vocab.filler[t.w] and not tonumber(t.w) and not (self:w(i - 1) == "how" and HOW_DEGREE[t.w]) then
      -- ("how long they sleep" asks a degree: not the "Long-nosed armadillo")
      local hits = by_word[t.s]
      local plural_of
      local list = not hits and shared[t.w]
      if list then
        -- "the Georges", "the four Georges" (a count given must be theirs): every value with the word
        local n = numbers.count(self:w(i - 1))
        if not n or n == #list then hits, plural_of = list, n and i - 1 or true end
      end
      -- (strict, on a first turn: a plural noun, "flights", names the rows, not a code: FLL)
      if not hits and #t.w >= 4 and not (strict and t.w:match("s$") and t.s ~= t.w) then
        hits = {}
        for _, list in ipairs(codes) do
          local found
          for _, hit in ipairs(list) do
            if abbreviates(hit.value:lower(), t.w) then found = found == nil and hit or false end
          end
          if found then hits[#hits + 1] = found end
        end
      end
      for _, h in ipairs(hits or {}) do
        out[#out + 1] = { col = h.col, value = h.value, i = type(plural_of) == "number" and plural_of or i, j = i,
          loose = true, word_of = by_word[t.s] ~= nil or plural_of ~= nil }
      end
    end
    i = i + 1
  end
  return out
end

-- Corrects typos of command words ("stakced", "horizonal", "seperate", "brake it down") in
-- tokens that name no column (lexicon.correct), leaving real words alone.
local function correct(w)
  if vocab.english[w] or vocab.command[lex.stem(w)] or vocab.styling[w] then return nil end
  return lex.correct(w, vocab.command, vocab.command_list)
end

-- A reason given with a request ("drop X, it double counts", "leave out Y because it has fewer
-- years") explains the request; its words are not edits. A clause is a reason when it starts
-- after a comma with a pronoun, or with "because"/"since it", and names no column or chart.
local REASON_START = { it = true, ["it's"] = true, they = true, ["they're"] = true, that = true,
  ["that's"] = true, this = true, those = true, these = true, which = true }
local REASON_WORD = { because = true, cause = true, cuz = true, coz = true, since = true, as = true }
function reasons(ctx)
  local toks = ctx.tokens
  for i, t in ipairs(toks) do
    local prev = toks[i - 1]
    local starts = t.w and (REASON_START[t.w] and prev and prev.p == ","
      or REASON_WORD[t.w] and (t.w == "because" or t.w == "cause" or t.w == "cuz" or t.w == "coz"
        or REASON_START[ctx:w(i + 1) or ""]))
    if starts then
      local j, plain = i, true
      while toks[j] and not toks[j].p do
        if ctx.taken[j] or lex.chart[toks[j].w] then plain = false end
        j = j + 1
      end
      if plain and j - i >= 2 then
        for k = i, j - 1 do ctx.used[k] = true end
      end
    end
  end
end

-- How a request corrects or softens the one before ("no, I meant …", "no no, …", "sorry, i mean
-- …", "wait, …") is no part of the edit: "no" there negates nothing and "mean" is no aggregate.
-- Those words are explained, and marked as talk (ctx.talk) for rules that read cues by position.
local LEAD = { no = true, nope = true, nah = true, sorry = true, wait = true, oops = true, hmm = true, ok = true, hey = true, hi = true,
  okay = true, actually = true, well = true }
local MEANT = { mean = true, meant = true }
local function talk(ctx)
  local toks = ctx.tokens
  local function mark(k) ctx.used[k] = true; ctx.talk[k] = true end
  for i = 1, #toks do
    if toks[i].w == "i" and MEANT[toks[i + 1] and toks[i + 1].w or ""] then mark(i); mark(i + 1) end
  end
  local i = 1
  while toks[i] and (toks[i].p == "," or LEAD[toks[i].w or ""]) do
    local nxt = toks[i + 1]
    if toks[i].w and not (nxt and (nxt.p == "," or LEAD[nxt.w or ""] or ctx.talk[i + 1])) then break end
    if toks[i].w then mark(i) end
    i = i + 1
  end
end

-- Comparison signs as the words the range rules read ("profit > 500", "x <= 3"; the tokenizer
-- drops the signs), and the shorthand "w/o", "w/".
local SIGNS = { [">="] = " at least ", ["=>"] = " at least ", ["<="] = " at most ", ["=<"] = " at most ",
  [">"] = " above ", ["<"] = " below " }
local function comparisons(prompt)
  -- "w/o X", "w/ labels": without, with
  prompt = prompt:gsub("%f[%w][wW]/[oO]%f[%W]", "without"):gsub("%f[%w][wW]/%f[%W]", "with")
  -- "in %", "as %": the word ("50%", "50 %" keep their sign for the numbers)
  prompt = prompt:gsub("()%%", function(at)
    return prompt:sub(1, at - 1):match("%d%s*$") and "%" or " percent "
  end)
  if not prompt:find("[<>]") then return prompt end
  return (prompt:gsub("[<>=]*[<>][<>=]*", function(sign) return SIGNS[sign] end))
end

-- "by day", "group by months", "per quarter" on data with dates: the unit word after a grouping
-- cue is the time grain (time.granularity reads it), not a column it only resembles or is one
-- word of ("Days to Ship" for "day"); a column the word names outright ("year") stays a column.
local GRAIN_CUE = { by = true, per = true, each = true, every = true, into = true }
local GRAIN_WORD = vocab.set [[hour hours day days week weeks month months quarter quarters year years]]
-- Whether token i is such a grain word (a cue before it, dates in the data).
function Ctx:grain_at(i)
  if not (GRAIN_WORD[self:w(i) or ""] and GRAIN_CUE[self:w(i - 1) or ""] and self.df) then return false end
  for _, n in ipairs(self.df.names) do if self.df.types[n] == "temporal" then return true end end
  return false
end
local function grain_words(ctx)
  local kept = {}
  for _, m in ipairs(ctx.mentions) do
    if m.i == m.j and ctx:grain_at(m.i) and lex.stem(m.col.name:lower()) ~= ctx.tokens[m.i].s then
      ctx.taken[m.i] = nil
    else
      kept[#kept + 1] = m
    end
  end
  ctx.mentions = kept
end

-- Words a number is often typed onto ("top3", "bottom10", "first5").
local RUN_IN = vocab.set [[top bottom first last highest lowest best worst largest smallest biggest]]

-- Two command words typed as one ("darkmode", "logscale", "piechart"): the two words, for a
-- token that is no command, no ordinary word and no column's name.
local function run_together(w, df)
  if not w or #w < 6 or not w:match("^%a+$") or vocab.command[w] or vocab.english[w] then return nil end
  -- a word the lexicon knows whole ("weekday" is a part of the week, not "week day")
  if lex.cycle_at({ w }, 1) or lex.chart[w] or lex.aggregate[w] or lex.stop[w] then return nil end
  for _, n in ipairs(df and df.names or {}) do if n:lower():gsub("[^%a]", "") == w then return nil end end
  for cut = 3, #w - 3 do
    local a, b = w:sub(1, cut), w:sub(cut + 1)
    if vocab.command[a] and vocab.command[b] then return a, b end
  end
  return nil
end

-- new(prompt, spec, df) → the context the rules share.
function M.new(prompt, spec, df)
  local ctx = setmetatable({ prompt = prompt, spec = spec, df = df, used = {}, edits = {}, notes = {},
    refusals = {}, mentions = {}, taken = {}, talk = {} }, Ctx)
  ctx.tokens = offline.tokenize(comparisons(prompt))
  for i = #ctx.tokens, 1, -1 do
    local w, n = (ctx.tokens[i].w or ""):match("^(%a+)(%d+)$")
    if not w then w, n = run_together(ctx.tokens[i].w, df) end
    if w and (RUN_IN[w] or not tonumber(n)) then
      ctx.tokens[i] = { w = w, s = lex.stem(w) }
      table.insert(ctx.tokens, i + 1, { w = n, s = lex.stem(n) })
    end
  end
  local drawn = {}
  for _, ch in pairs(spec and spec.encoding or {}) do if type(ch) == "table" and ch.field then drawn[ch.field] = true end end
  if df then
    ctx.prof = profile.profile(df)
    ctx.mentions, ctx.taken = offline.mentions(ctx.tokens, ctx.prof, drawn)
  end
  -- typos of command words are corrected where no column is named; a corrected word may then
  -- name a column itself ("facet by yaer"), so the columns are read again
  -- (not a word the data holds as a value, nor a place's name: "colorado" is no typo of "colored")
  local function a_value(w)
    if lex.place_codes[w] or lex.places[w] then return true end
    for _, name in ipairs(df and df.names or {}) do
      local t = df.types[name]
      if (t == "nominal" or t == "ordinal") and column_values(df, name)[lex.stem(w)] then return true end
    end
    return false
  end
  local fixed_any = false
  for i, t in ipairs(ctx.tokens) do
    if t.w and not ctx.taken[i] and not a_value(t.w) then
      local fixed = correct(t.w)
      if fixed then
        ctx.tokens[i] = { w = fixed, s = lex.stem(fixed), typo = t.w }
        fixed_any = true
      end
    end
  end
  if df and fixed_any then ctx.mentions, ctx.taken = offline.mentions(ctx.tokens, ctx.prof, drawn) end
  if df then grain_words(ctx) end
  reasons(ctx)
  talk(ctx)
  return ctx
end

M.Ctx = Ctx
return M
