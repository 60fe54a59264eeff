-- The synthesis vocabulary: what measures look like (lua/synth/measures.lua) and the named
-- kinds of things a request may chart (lua/synth/kinds.lua), both data files loaded in an
-- empty environment. This module reads them, checks them, and answers questions about words.
local datafile = require "util.datafile"
local lex = require "planner.lexicon"

local M = {}

-- "per hour" is a rate in time, not a ratio per head.
local time_units = { second = true, minute = true, hour = true, day = true, week = true, month = true,
  quarter = true, year = true, annum = true, night = true }

M.FILES = { measures = "lua/synth/measures.lua", kinds = "lua/synth/kinds.lua" }
local MAX_BYTES = 256 * 1024

-- Loaded data; a new Lua state (hot reload) or M.reload() reads the files again.
local cache

local function fail(file, msg)
  error(("%s: %s"):format(file, msg), 0)
end

-- Words by first letter, so a typo ("temprature") is looked for among few candidates; a typo
-- in the first letter is rare enough to leave out.
local function index(words)
  local by_first = {}
  for w in pairs(words) do
    local s = lex.stem(w)
    local f = s:sub(1, 1)
    by_first[f] = by_first[f] or {}
    if #s >= 5 then table.insert(by_first[f], { w = w, s = s }) end
  end
  for _, list in pairs(by_first) do table.sort(list, function(a, b) return a.w < b.w end) end
  by_first.seen, by_first.seen_count = {}, 0
  return by_first
end

-- The indexed words a request word matches: itself, its stem, or (5+ letters) one typo away.
-- Typo searches are remembered in by_first.seen (bounded: request words are unbounded).
local function lookup(w, set, by_first, out)
  out = out or {}
  local s = lex.stem(w)
  if set[w] then out[w] = true end
  if set[s] then out[s] = true end
  if #w >= 5 and not next(out) then
    local seen = by_first.seen
    local near = seen[s]
    if not near then
      near = {}
      for _, k in ipairs(by_first[s:sub(1, 1)] or {}) do
        if lex.word_match(s, k.s) >= 0.9 then near[#near + 1] = k.w end
      end
      if by_first.seen_count >= 4096 then seen = {}; by_first.seen, by_first.seen_count = seen, 0 end
      seen[s], by_first.seen_count = near, by_first.seen_count + 1
    end
    for _, k in ipairs(near) do out[k] = true end
  end
  return out
end

-- "smartphone|mobile_phone brand|maker" → { { {"smartphon"}, {"mobil","phone"} }, { {"brand"}, {"maker"} } }
local function compile(phrase, file)
  local slots = {}
  for slot in phrase:gmatch("%S+") do
    local alts = {}
    for alt in slot:gmatch("[^|]+") do
      local words = {}
      for w in alt:gmatch("[^_]+") do words[#words + 1] = { w = w, s = lex.stem(w) } end
      alts[#alts + 1] = words
    end
    if #alts == 0 then fail(file, ("empty slot in %q"):format(phrase)) end
    slots[#slots + 1] = alts
  end
  if #slots == 0 then fail(file, "an empty phrase in says") end
  return slots
end

local function check_measures(t, file)
  if type(t.profiles) ~= "table" or type(t.words) ~= "table" then
    fail(file, "needs profiles and words tables")
  end
  for name, p in pairs(t.profiles) do
    if p.aggregate ~= "sum" and p.aggregate ~= "mean" then
      fail(file, ("profiles.%s.aggregate must be \"sum\" or \"mean\""):format(name))
    end
    if type(p.base) ~= "number" or type(p.sd) ~= "number" then
      fail(file, ("profiles.%s needs numbers base and sd"):format(name))
    end
  end
  if not t.profiles.generic then fail(file, "profiles.generic is missing") end
  for w, name in pairs(t.words) do
    if not t.profiles[name] then fail(file, ("words.%s names no profile %q"):format(w, tostring(name))) end
  end
  t.weak, t.suffixes, t.climate = t.weak or {}, t.suffixes or {}, t.climate or {}
  t.generic, t.phrases = t.generic or {}, {}
  for w, name in pairs(t.words) do
    if w:find(" ", 1, true) then t.phrases[w] = name end
  end
  t.by_first = index(t.words)
  return t
end

local function check_kinds(t, file)
  local names = {}
  for i, k in ipairs(t) do
    local where = ("kind %d (%s)"):format(i, tostring(k.kind))
    if type(k.kind) ~= "string" or type(k.field) ~= "string" then
      fail(file, where .. " needs kind and field strings")
    end
    if names[k.kind] then fail(file, where .. " is named twice") end
    names[k.kind] = k
    if type(k.says) ~= "table" or #k.says == 0 then fail(file, where .. " needs a says list") end
    if type(k.values) ~= "table" or #k.values < 2 then fail(file, where .. " needs at least 2 values") end
    for _, v in ipairs(k.values) do
      if type(v) ~= "string" then fail(file, where .. " has a value that is not a string") end
    end
    k.default = math.min(math.tointeger(k.default) or 5, #k.values)
    k.order = i
    k.phrases = {}
    for _, p in ipairs(k.says) do k.phrases[#k.phrases + 1] = compile(p, file) end
  end
  t.by_name = names
  -- every word of every phrase, and the phrases each first word starts
  t.words, t.starts = {}, {}
  for _, k in ipairs(t) do
    for _, slots in ipairs(k.phrases) do
      for si, alts in ipairs(slots) do
        for _, alt in ipairs(alts) do
          for _, want in ipairs(alt) do t.words[want.s] = true end
          if si == 1 then
            local key = alt[1].s
            t.starts[key] = t.starts[key] or {}
            table.insert(t.starts[key], { kind = k, slots = slots })
          end
        end
      end
    end
  end
  t.by_first = index(t.words)
  return t
end

-- Reads and checks both files; raises "file: message" on a broken one. The reload self-test
-- calls it with the new generation's root, so a broken save keeps the last good generation.
function M.load(root)
  if cache and not root then return cache end
  local out = {}
  for _, key in ipairs { "measures", "kinds" } do
    local rel = M.FILES[key]
    local t, err = datafile.load(root and (root .. "/" .. rel) or datafile.path(rel), MAX_BYTES)
    if not t then error(err or (rel .. ": missing"), 0) end
    out[key] = key == "measures" and check_measures(t, rel) or check_kinds(t, rel)
  end
  if not root then cache = out end
  return out
end

function M.reload()
  cache = nil
end

-- Measures -----------------------------------------------------------------------

-- A known measure word: exact, by stem, or with one typo in a word of 5+ letters.
local function known(w, m)
  local hit = next(lookup(w, m.words, m.by_first))
  return hit
end

-- The profile key a name's words give: a phrase of the vocabulary ("heart rate") first, else
-- the last known word — unless that is a generic one ("rate") after a word of the same unit
-- ("unemployment rate" is an unemployment rate, "crime rate" a rate); else a guess from the
-- shape of unknown words.
local function profile_key(name, m)
  for phrase, key in pairs(m.phrases) do
    if (" " .. name .. " "):find(" " .. phrase .. " ", 1, true) then return key end
  end
  local found, guess
  for w in name:gmatch("[%a%d]+") do
    local k = known(w, m)
    if k then
      local key = m.words[k]
      if m.generic[k] and found and m.profiles[found].unit and m.profiles[found].unit == m.profiles[key].unit then
        key = found
      end
      found = key
    elseif #w >= 6 then
      for _, suf in ipairs(m.suffixes) do
        if w:sub(-#suf) == suf then guess = "level" end
      end
    end
    if not k and not guess and #w >= 4 and w:sub(-1) == "s" and lex.stem(w) ~= w then guess = "count" end
  end
  return found, guess
end

-- A ratio's profile ("revenue per user", "consumption per capita"): it averages, and an
-- amount per head is a price, a count per head a small ratio.
local function per_unit(p, key, m)
  if key == "money" or key == "salary" then return m.profiles.price, "price" end
  if key == "count" or key == "population" then return m.profiles.ratio, "ratio" end
  local out = {}
  for k, v in pairs(p) do out[k] = v end
  out.aggregate, out.flow = "mean", nil
  return out, key
end

-- The profile for a field name → profile, its key. The head of "X of Y" decides ("number of
-- visitors" is a count, "percentage of users" a percentage); else the last word with a
-- profile ("conversion rate" → percent); unknown words ending like "popularity" are levels
-- that average; an unknown plural ("commits") is a count. "X per user" is a ratio.
function M.profile(name)
  local m = M.load().measures
  local lower = tostring(name or ""):lower()
  local amount, unit = lower:match("^(.-) per (%a+)")
  if amount and time_units[unit] then amount = nil end
  local what = amount or lower
  local head = what:match("^(.-) of ")
  local found, guess
  if head then found = profile_key(head, m) end
  if not found then found, guess = profile_key(what, m) end
  local key = found or guess or "generic"
  if amount then return per_unit(m.profiles[key], key, m) end
  return m.profiles[key], key
end

-- The aggregate a measure takes when the request names none: "sum" or "mean".
function M.aggregate(name)
  return (M.profile(name)).aggregate
end

-- Whether a word names a measure strongly enough to make a request a chart request.
function M.is_measure_word(w)
  local m = M.load().measures
  local k = known(w, m)
  return k ~= nil and not m.weak[k]
end

-- A place's climate → { mean, half_range } (°C) | nil.
function M.climate(place)
  local c = M.load().measures.climate[tostring(place or ""):lower()]
  return c and { mean = c[1], half_range = c[2] } or nil
end

-- The climate of the first known place named in a text → climate | nil, place.
function M.climate_in(text)
  local lower = tostring(text or ""):lower()
  local best, at
  for place in pairs(M.load().measures.climate) do
    local i = lower:find("%f[%w]" .. place:gsub("%p", "%%%0") .. "%f[%W]")
    if i and (not at or i < at or (i == at and #place > #best)) then best, at = place, i end
  end
  return best and M.climate(best) or nil, best
end

-- Kinds ----------------------------------------------------------------------------

-- The number of tokens slots[si..] match from tokens[i], longest; -1 when they do not.
-- hits[i] is the set of phrase words token i matches.
local function match(slots, si, hits, i)
  if si > #slots then return 0 end
  local best = -1
  for _, alt in ipairs(slots[si]) do
    local ok = true
    for k, want in ipairs(alt) do
      if not (hits[i + k - 1] and hits[i + k - 1][want.s]) then ok = false; break end
    end
    if ok then
      local rest = match(slots, si + 1, hits, i + #alt)
      if rest >= 0 and #alt + rest > best then best = #alt + rest end
    end
  end
  return best
end

-- The kinds a request names, in order: { { kind = <kind>, first =, last = } } (token indexes).
-- At each place the longest phrase wins (the first kind listed on a tie); matches do not overlap.
function M.find_kinds(tokens)
  local kinds = M.load().kinds
  local hits = {}
  for i, t in ipairs(tokens) do
    if t.w then
      hits[i] = lookup(t.w, kinds.words, kinds.by_first)
      if t.s and t.s ~= t.w then lookup(t.s, kinds.words, kinds.by_first, hits[i]) end
    end
  end
  local found = {}
  local i = 1
  while i <= #tokens do
    local best, len, order = nil, 0, math.huge
    for key in pairs(hits[i] or {}) do
      for _, p in ipairs(kinds.starts[key] or {}) do
        local n = match(p.slots, 1, hits, i)
        local at = p.kind.order
        if n > len or (n == len and n > 0 and at < order) then best, len, order = p.kind, n, at end
      end
    end
    if best then
      found[#found + 1] = { kind = best, first = i, last = i + len - 1 }
      i = i + len
    else
      i = i + 1
    end
  end
  return found
end

-- A kind by its name ("smartphone brands").
function M.kind(name)
  return M.load().kinds.by_name[name]
end

-- The kind whose values hold most of a list of names ("Apple, Samsung and Xiaomi" → brands).
function M.kind_of_values(list)
  local best, hits = nil, 0
  for _, k in ipairs(M.load().kinds) do
    local set = {}
    for _, v in ipairs(k.values) do set[v:lower()] = true end
    local n = 0
    for _, v in ipairs(list) do if set[v:lower()] then n = n + 1 end end
    if n > hits then best, hits = k, n end
  end
  if best and hits * 2 >= #list then return best end
  return nil
end

-- n names for a field: the values of the kind its words name ("Sales Region" → regions),
-- else "<Name> A", "<Name> B"...
function M.categories(name, n)
  local tokens = {}
  for w in tostring(name or ""):lower():gmatch("[%w%.]+") do tokens[#tokens + 1] = { w = w, s = lex.stem(w) } end
  local found = M.find_kinds(tokens)
  local kind = found[#found] and found[#found].kind
  local out = {}
  if kind then
    for i = 1, math.min(n or kind.default, #kind.values) do out[i] = kind.values[i] end
    return out, kind
  end
  local label = tostring(name or "group"):gsub("^%l", string.upper)
  for i = 1, n or 5 do out[i] = label .. " " .. string.char(64 + i) end
  return out
end

return M
