-- Numbers as people write them in follow-ups: "100 million", "4kg", "2 hours", "1,500", "ten",
-- "50%", and their conversion to a column's own unit (a "Body Mass (g)" column compared with
-- "4kg" is compared with 4000; "Running Time" in minutes with "2 hours" with 120). The unit words
-- and a column's unit are planner.lexicon's (the first-turn planner reads them too).
local lex = require "planner.lexicon"

local M = {}

local WORDS = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8, nine = 9,
  ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15, sixteen = 16,
  seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  hundred = 100, dozen = 12 }
local SCALE = { k = 1e3, thousand = 1e3, thousands = 1e3, m = 1e6, mm = nil, mn = 1e6, mil = 1e6, million = 1e6,
  millions = 1e6, b = 1e9, bn = 1e9, billion = 1e9, billions = 1e9, trillion = 1e12 }

-- count("ten") → 10, count("15") → 15, else nil.
function M.count(w)
  if not w then return nil end
  if WORDS[w] then return WORDS[w] end
  if w:match("^%d+$") then return tonumber(w) end
  return nil
end

-- Words that make the number after them negative ("below minus 5", "above negative 2").
local SIGN_WORDS = { minus = true, negative = true }

-- read(tokens, i) → { value =, unit =, scaled =, j = last token } for a number at token i
-- ("100 million", "4kg", "2.5", "1,500" (the tokenizer keeps "1" "," "500"), "ten", "50%",
-- "-5" (the tokenizer marks its sign), "minus 5").
local read_unsigned
function M.read(tokens, i)
  local t = tokens[i]
  if not (t and t.w) then return nil end
  local signed = SIGN_WORDS[t.w] and tokens[i + 1] and tokens[i + 1].w and tokens[i + 1].w:match("^%d")
  local out = read_unsigned(tokens, signed and i + 1 or i)
  if out and (signed or t.minus) then out.value = -out.value end
  return out
end

read_unsigned = function(tokens, i)
  local t = tokens[i]
  local w = t.w
  local j = i
  local value, unit
  local num, suffix = w:match("^%$?(%d+%.?%d*)(%a*)$")
  if num then
    value = tonumber(num)
    -- "1,500": digits, a comma, three digits
    local c, nxt = tokens[i + 1], tokens[i + 2]
    if c and c.p == "," and nxt and nxt.w and nxt.w:match("^%d%d%d$") and #num <= 3 then
      value = value * 1000 + tonumber(nxt.w)
      j = i + 2
    end
    if suffix ~= "" then
      if SCALE[suffix] then value = value * SCALE[suffix]; return { value = value, scaled = true, j = j }
      elseif lex.units[suffix] then unit = suffix
      else return nil end
    end
  elseif WORDS[w] then
    value = WORDS[w]
  else
    return nil
  end
  local out = { value = value, unit = unit, j = j, percent = tokens[j].pct or nil }
  local nxt = tokens[j + 1] and tokens[j + 1].w
  if nxt and SCALE[nxt] and nxt ~= "m" then
    out.value, out.scaled, out.j = value * SCALE[nxt], true, j + 1
  elseif nxt and not unit and lex.units[nxt] then
    out.unit, out.j = nxt, j + 1
  elseif nxt == "percent" or nxt == "pct" then
    out.j, out.percent = j + 1, true
  end
  return out
end

-- The number in the column's own unit: num.unit converted when both have one of the same kind.
function M.convert(num, field, prof)
  local c = prof and prof.by_name[field]
  local cu = lex.column_unit(c)
  local from, to = num.unit and lex.units[num.unit], cu and lex.units[cu]
  if from and to and from[1] == to[1] then return num.value * from[2] / to[2] end
  -- "above 18%" on a column of fractions (0.187): 0.18
  if num.percent and c and c.min and c.max and c.min >= -1 and c.max <= 1 and num.value > 1 then
    return num.value / 100
  end
  -- "over 5 million" on a column whose largest value is 21198: a column kept in thousands
  -- (second result: the note to say so)
  if num.scaled and c and c.max and num.value > c.max and num.value / 1000 <= c.max and c.max >= 100 then
    return num.value / 1000, ("%s looks counted in thousands, so %s is read as %s"):format(c.name,
      M.spoken(num.value), M.spoken(num.value / 1000))
  end
  return num.value
end

-- A number as the note says it: 5000000 → "5000000", 2.5 → "2.5".
function M.spoken(v)
  return v == math.floor(v) and ("%d"):format(v) or tostring(v)
end

-- The first numeric column measured in a unit of the same kind as `unit`, else the first one
-- whose name says that kind ("1000 miles" for a column "distance").
function M.column_for_unit(prof, unit)
  local want = lex.units[unit]
  if not (want and prof) then return nil end
  for _, c in ipairs(prof.columns) do
    local cu = lex.column_unit(c)
    if c.type == "quantitative" and cu and lex.units[cu] and lex.units[cu][1] == want[1] then return c.name end
  end
  for _, c in ipairs(prof.columns) do
    for _, w in ipairs(c.type == "quantitative" and c.words or {}) do
      if lex.kind_words[w] == want[1] then return c.name end
    end
  end
  return nil
end

return M
