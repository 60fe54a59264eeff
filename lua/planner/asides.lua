-- Words in parentheses are an aside ("use race (the recorded one) instead of preRace"), left out
-- of the reading — unless they are a column's name, which glosses the words before them ("the
-- number of physician visits (ftv)"): then the name is read and the words it glosses are not.
local M = {}

local function squash(s) return (s:lower():gsub("[^%w]", "")) end

-- The prompt without its asides; `df` (or nil) gives the column names.
-- (not in a request that carries text of its own — a title, a label —: "title 'Sales (USD)'")
local TEXT_CUES = { "title", "label", "subtitle", "caption", "call it", "name it", "legend", "annotat", "note" }
function M.strip(prompt, df)
  if type(prompt) ~= "string" or not prompt:find("(", 1, true) then return prompt end
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
