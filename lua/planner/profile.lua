-- Column profiles for the offline planner: what each column of a frame is
-- (a time axis, a measure, a category, a row identifier) and the words that name it.
local frame = require "data.frame"
local lex = require "planner.lexicon"

local M = {}

-- Categories with at most this many values are listed for value matching.
local MAX_LISTED = 300
-- Whole-number columns with at most this many values can act as categories (cylinders, quantity).
M.DISCRETE_MAX = 12

-- Splits a column name into lowercase words: "Production Budget" → {production, budget},
-- "Sub-Category" → {sub, category}, "releaseYear" → {release, year}, "MPG" → {mpg}.
function M.name_words(name)
  local s = name:gsub("(%l)(%u)", "%1 %2"):gsub("(%u)(%u%l)", "%1 %2")
  local words = {}
  for w in s:lower():gmatch("[%w]+") do words[#words + 1] = w end
  return words
end

local function all_integers(df, name)
  local col = df.columns[name]
  for i = 1, df.nrows do
    local v = col[i]
    if v ~= nil and v ~= math.floor(v) then return false end
  end
  return true
end

local function place_column(values)
  if #values == 0 then return false end
  local hits = 0
  for _, v in ipairs(values) do
    if lex.places[v:lower()] then hits = hits + 1 end
  end
  return hits * 2 > #values
end

-- profile(df) → { nrows, columns = { {name, type, words, stems, content, head, distinct, min, max,
--   role = "time"|"measure"|"category"|"id"|"constant", discrete, years, place, values} }, by_name }
function M.profile(df)
  local out = { nrows = df.nrows, columns = {}, by_name = {} }
  for index, name in ipairs(df.names) do
    local s = frame.summary(df, name)
    local words = M.name_words(name)
    local stems, content, content_words = {}, {}, {}
    for i, w in ipairs(words) do
      stems[i] = lex.stem(w)
      if not lex.name_function[w] or #words == 1 then
        content[#content + 1] = stems[i]
        content_words[#content_words + 1] = w
      end
    end
    local c = { name = name, index = index, type = s.type, words = words, stems = stems, content = content,
      content_words = content_words,
      head = content[#content], joined = table.concat(words), distinct = s.distinct, min = s.min, max = s.max,
      count = s.count, grain = s.grain, acronym = name:match("^%u%u+$") ~= nil }
    local named_time, named_id = false, false
    for _, st in ipairs(stems) do
      if lex.time_name[st] then named_time = true end
      if lex.id_name[st] then named_id = true end
    end
    if s.type == "quantitative" then
      c.integers = all_integers(df, name)
      -- few values that repeat a lot: groups (cylinders), not a continuous measure
      c.discrete = c.integers and s.distinct <= M.DISCRETE_MAX and s.distinct * 5 <= s.count
      -- 4-digit whole numbers named like a year are calendar years; 2-digit ones ("70") too
      c.years = named_time and c.integers and s.min ~= nil and
        ((s.min >= 1000 and s.max <= 9999) or (s.min >= 0 and s.max <= 99))
      if c.years then c.role = "time" else c.role = "measure" end
    elseif s.type == "temporal" then
      c.role = "time"
    else
      local ratio = s.distinct / math.max(1, s.count)
      if s.distinct <= 1 then
        c.role = "constant"
      elseif ratio > 0.9 and s.distinct > 20 or (named_id and s.distinct > 50) then
        c.role = "id"
      else
        c.role = "category"
      end
      if s.distinct <= MAX_LISTED then
        c.values = frame.distinct(df, name)
        c.place = place_column(c.values)
      end
      -- a column called "location", "city" or "state" holds places whatever its values
      for _, w in ipairs(c.words) do if lex.place_words[w] then c.place = true end end
    end
    if c.role ~= "constant" and s.count == 0 then c.role = "constant" end
    out.columns[#out.columns + 1] = c
    out.by_name[name] = c
  end
  -- how distinctive each name word is: 1 / number of columns whose name has it
  local seen = {}
  for _, c in ipairs(out.columns) do
    for _, w in ipairs(c.content) do seen[w] = (seen[w] or 0) + 1 end
  end
  for _, c in ipairs(out.columns) do
    c.weights, c.total_weight = {}, 0
    for i, w in ipairs(c.content) do
      c.weights[i] = 1 / seen[w]
      c.total_weight = c.total_weight + c.weights[i]
    end
  end
  return out
end

-- The data's one column of categories not in `used` (a set of names), when there is exactly
-- one of a readable size: what "by industry" means when no column is called that.
function M.only_category(prof, used)
  local found
  for _, c in ipairs(prof.columns) do
    if c.role == "category" and not (used and used[c.name]) and (c.distinct or 0) <= 50 then
      if found then return nil end
      found = c
    end
  end
  return found
end

-- Whether a column can be the groups of a bar chart: a category, or a whole-number column with few values.
function M.groupable(c)
  return c.role == "category" or c.role == "constant" or (c.role == "measure" and c.discrete)
end

return M
