-- Checks the spec's top-level `annotations` list (reference rules, bands and
-- text notes at data coordinates) and normalizes it. Values stay data values
-- (numbers, or strings for category and date axes): only the chart's frame
-- knows how to turn them into pixels (layout.annotations).
local errors = require "util.errors"
local color = require "layout.color"
local json = require "util.json"

local M = {}

M.MAX = 50
M.MAX_TEXT = 200
M.TYPES = { "rule", "band", "text" }
M.KEYS = { "color", "dash", "text", "type", "x", "x2", "y", "y2" }

local TYPE_SET, KEY_SET = {}, {}
for _, t in ipairs(M.TYPES) do TYPE_SET[t] = true end
for _, k in ipairs(M.KEYS) do KEY_SET[k] = true end

local function show(v)
  if v == json.null then return "null" end
  if type(v) == "string" then return '"' .. v .. '"' end
  if type(v) == "table" then return json.is_array(v) and "an array" or "an object" end
  return tostring(v)
end

local function is_object(v)
  return type(v) == "table" and v ~= json.null and not json.is_array(v) and v[1] == nil
end

-- A data value: a finite number, or a non-empty string (category or date).
local function check_value(bad, v, path)
  if type(v) == "number" and v == v and math.abs(v) ~= math.huge then return v end
  if type(v) == "string" and v ~= "" and #v <= M.MAX_TEXT then return v end
  bad(path, "must be a number or a category/date string, got " .. show(v))
end

-- Each type's required coordinates, tried in order; the first complete set wins.
local NEEDS = {
  rule = { { "x" }, { "y" } },
  band = { { "x", "x2" }, { "y", "y2" } },
  text = { { "x", "y", "text" } },
}
local NEEDS_TEXT = {
  rule = 'needs "x" (a vertical line) or "y" (a horizontal line)',
  band = 'needs "x" and "x2" (a vertical band) or "y" and "y2" (a horizontal band)',
  text = 'needs "x", "y" and "text"',
}

-- check(errs, list) → normalized list | nil; errs(e) receives every problem.
function M.check(errs, list)
  if list == nil or list == json.null then return nil end
  local function bad(path, msg) errs(errors.new("invalid_spec", path, msg)) end
  if type(list) ~= "table" or not (json.is_array(list) or list[1] ~= nil or next(list) == nil) then
    bad("annotations", "must be an array, got " .. show(list))
    return nil
  end
  if #list > M.MAX then
    bad("annotations", ("must have at most %d items, got %d"):format(M.MAX, #list))
    return nil
  end
  local out = {}
  for i, a in ipairs(list) do
    local p = ("annotations[%d]"):format(i - 1)
    if not is_object(a) then
      bad(p, 'must be an object like {"type": "rule", "y": 100}, got ' .. show(a))
    else
      local keys = {}
      for k in pairs(a) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      local ok = true
      for _, k in ipairs(keys) do
        if not KEY_SET[k] then
          bad(p .. "." .. k, ('unknown key "%s"; allowed keys are %s'):format(k, table.concat(M.KEYS, ", ")))
          ok = false
        end
      end
      local n = {}
      if not TYPE_SET[a.type] then
        bad(p .. ".type", ("must be one of %s, got %s"):format(table.concat(M.TYPES, ", "), show(a.type)))
        ok = false
      else
        n.type = a.type
      end
      for _, k in ipairs { "x", "x2", "y", "y2" } do
        if a[k] ~= nil then
          n[k] = check_value(bad, a[k], p .. "." .. k)
          ok = ok and n[k] ~= nil
        end
      end
      if a.text ~= nil then
        if type(a.text) ~= "string" or #a.text > M.MAX_TEXT then
          bad(p .. ".text", ("must be a string of at most %d bytes, got %s"):format(M.MAX_TEXT,
            type(a.text) == "string" and ("%d bytes"):format(#a.text) or show(a.text)))
          ok = false
        else
          n.text = a.text
        end
      end
      if a.color ~= nil then
        local r, msg = color.parse(a.color)
        if not r then bad(p .. ".color", msg); ok = false else n.color = a.color end
      end
      if a.dash ~= nil then
        if type(a.dash) ~= "boolean" then
          bad(p .. ".dash", "must be true or false, got " .. show(a.dash)); ok = false
        else
          n.dash = a.dash
        end
      end
      if ok then
        local complete
        for _, set in ipairs(NEEDS[n.type]) do
          complete = true
          for _, k in ipairs(set) do if n[k] == nil then complete = false end end
          if complete then break end
        end
        if not complete then bad(p, ("a %s %s"):format(n.type, NEEDS_TEXT[n.type])); ok = false end
        if n.type == "rule" and n.x ~= nil and n.y ~= nil then
          bad(p, 'a rule takes "x" or "y", not both; use two rules for a crosshair'); ok = false
        end
      end
      out[#out + 1] = ok and n or nil
    end
  end
  return out
end

return M
