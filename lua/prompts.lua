-- Prompt templates: prompts/<name>.txt with {{placeholders}}, checked when this module loads
-- and rendered with prompts.render(name, vars). Prompt text lives only in prompts/.
local M = {}

-- Every template and the placeholders it may use. A template that uses any other name, or a
-- file that is missing, makes require("prompts") raise: a broken prompt is found at start-up
-- (worker warm-up, `chartd check`), never in the middle of a request.
M.TEMPLATES = {
  system = { "chart_types", "themes", "channels", "aggregates", "time_units" },
  plan = { "request", "data_description", "previous" },
  repair = { "errors" },
  plain_format = { "schema" },
}

local MAX_BYTES = 64 * 1024

M.dir = (function()
  local ok, host = pcall(require, "chartd.host")
  if ok and type(host) == "table" and host.home then return host.home .. "/prompts" end
  return "prompts"
end)()

local function read(name, dir)
  local path = (dir or M.dir) .. "/" .. name .. ".txt"
  local f, err = io.open(path, "rb")
  if not f then return nil, "prompt template " .. name .. ": " .. tostring(err) end
  local text = f:read(MAX_BYTES + 1)
  f:close()
  if text == nil then return nil, "prompt template " .. name .. ": " .. path .. " is empty" end
  if #text > MAX_BYTES then return nil, ("prompt template %s: %s is over %d bytes"):format(name, path, MAX_BYTES) end
  return text
end

-- The placeholders a text uses, in order of first use; nil, message on a malformed one.
function M.placeholders(text)
  local out, seen = {}, {}
  for inner in text:gmatch("{{(.-)}}") do
    local name = inner:match("^%s*([%a_][%w_]*)%s*$")
    if not name then return nil, ("malformed placeholder {{%s}}"):format(inner) end
    if not seen[name] then seen[name] = true; out[#out + 1] = name end
  end
  return out
end

-- Loads and checks every template (or the given table of templates, for tests); returns
-- the texts by name, or raises naming the template and the offending placeholder.
function M.check(templates, dir)
  templates = templates or M.TEMPLATES
  local names = {}
  for name in pairs(templates) do names[#names + 1] = name end
  table.sort(names)
  local texts = {}
  for _, name in ipairs(names) do
    local text, err = read(name, dir)
    if not text then error(err, 0) end
    local used, perr = M.placeholders(text)
    if not used then error(("prompt template %s: %s"):format(name, perr), 0) end
    local allowed = {}
    for _, p in ipairs(templates[name]) do allowed[p] = true end
    for _, p in ipairs(used) do
      if not allowed[p] then
        error(("prompt template %s: unknown placeholder {{%s}}; allowed %s"):format(name, p,
          table.concat(templates[name], ", ")), 0)
      end
    end
    texts[name] = text
  end
  return texts
end

local texts = M.check()

-- render(name, vars) → text. Every placeholder the template uses must be given (a string or
-- a number); values are inserted as they are, never interpreted again.
function M.render(name, vars)
  local text = texts[name]
  if not text then error("prompts.render: unknown template " .. tostring(name), 2) end
  vars = vars or {}
  return (text:gsub("{{%s*([%a_][%w_]*)%s*}}", function(key)
    local v = vars[key]
    if type(v) == "number" then v = tostring(v) end
    if type(v) ~= "string" then
      error(("prompts.render: template %s needs {{%s}} (a string)"):format(name, key), 3)
    end
    return v
  end))
end

return M
