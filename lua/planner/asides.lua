-- What a request says beside itself, left out of the reading: words taken back within it ("log
-- scale? no forget it, make it a line"), and words in parentheses ("use race (the recorded one)
-- instead of preRace") — unless those are a column's name, which glosses the words before them
-- ("the number of physician visits (ftv)"): then the name is read and the words it glosses are not.
local M = {}

local function squash(s) return (s:lower():gsub("[^%w]", "")) end

-- Words taken back within the request ("cap the y axis at 300k? no forget it, just add a title",
-- "log scale... actually never mind, sort it"): what comes after the last retraction is the request.
local RETRACTIONS = { "forget it", "forget that", "forget this", "never mind", "nevermind", "scratch that",
  "ignore that", "ignore this", "on second thought", "on second thoughts", "disregard that" }
local OPENERS = { no = true, oh = true, ok = true, okay = true, actually = true, hmm = true, wait = true, um = true,
  nah = true, nope = true, sorry = true }
local function retracted(prompt)
  local low, from = prompt:lower(), nil
  for _, r in ipairs(RETRACTIONS) do
    local at = 1
    while true do
      local a, b = low:find(r, at, true)
      if not a then break end
      -- (a whole phrase: "forget it" in "forget items" is not one; and one with words before it —
      -- "forget it, show me X" opening a request drops the chart before, a fresh start)
      local said_before = false
      for w in low:sub(1, a - 1):gmatch("%a+") do said_before = said_before or not OPENERS[w] end
      if not low:sub(b + 1, b + 1):match("%w") and not low:sub(a - 1, a - 1):match("%w") and said_before then
        from = math.max(from or 0, b + 1)
      end
      at = b + 1
    end
  end
  if not from then return prompt end
  local rest = prompt:sub(from):gsub("^[%s%p]+", "")
  -- (nothing after it: the whole request is taken back, read as it is)
  if not rest:find("%w") then return prompt end
  return rest
end

-- The prompt without its asides; `df` (or nil) gives the column names.
-- (not in a request that carries text of its own — a title, a label —: "title 'Sales (USD)'")
local TEXT_CUES = { "title", "label", "subtitle", "caption", "call it", "name it", "legend", "annotat", "note" }
function M.strip(prompt, df)
  if type(prompt) ~= "string" then return prompt end
  prompt = retracted(prompt)
  if not prompt:find("(", 1, true) then return prompt end
  local low = prompt:lower()
  for _, cue in ipairs(TEXT_CUES) do if low:find(cue, 1, true) then return prompt end end
  local names = {}
  for _, n in ipairs(df and df.names or {}) do names[squash(n)] = n end
  -- (only a group set apart by a space: "AVG(MPG)" is a function's call, read as it is)
  local out = prompt:gsub("([^%(%)]-)%s+(%b())", function(before, group)
    local inner = group:sub(2, -2)
    local name = names[squash(inner)]
    if not name or squash(inner) == "" then return before end
    -- the glossed words: those after the last cue word before the name
    local kept = before:match("^(.*%f[%a]instead%s+of%s+)") or before:match("^(.*%f[%a][Uu]se%s+)")
      or before:match("^(.*%f[%a]by%s+)") or before:match("^(.*%f[%a]of%s+)") or ""
    return kept .. " " .. inner
  end)
  return out
end

return M
