-- Vega-Lite single-view specs → chartd's own spec. A spec is read as Vega-Lite when it has a
-- `mark` or a `layer` (chartd's keys — theme, format, options, … — may sit beside them).
-- What chartd draws differently or not at all is listed in warnings ("path: what happens");
-- what would make the chart wrong is an error naming its path.
local channels = require "vegalite.channels"
local data = require "vegalite.data"
local detect = require "vegalite.detect"
local errors = require "util.errors"
local json = require "util.json"
local lower = require "vegalite.lower"
local marks = require "vegalite.marks"
local toplevel = require "vegalite.toplevel"

local M = {}

local UNSUPPORTED = detect.UNSUPPORTED

M.is_vegalite = detect.is_vegalite

local function mark_def(mark)
  if type(mark) == "string" then return { type = mark } end
  if channels.is_object(mark) and type(mark.type) == "string" then
    local out = {}
    for k, v in pairs(mark) do out[k] = v end
    return out
  end
  error(errors.new("invalid_spec", "mark", 'must be a mark name such as "bar" or an object like {"type": "bar"}'))
end

local function read_encoding(enc, warn)
  local defs = {}
  if enc == nil or enc == json.null then return defs end
  if not channels.is_object(enc) then
    error(errors.new("invalid_spec", "encoding", "must be an object of channels"))
  end
  for name, v in pairs(enc) do
    local def = channels.read(name, v, "encoding." .. name, warn)
    if def and def.invalid ~= nil then
      error(errors.new("invalid_spec", "encoding." .. name,
        "must be an object like {\"field\": \"a\", \"type\": \"nominal\"}"))
    end
    if def and def.repeat_ref then
      error(errors.new("invalid_spec", "encoding." .. name .. ".field",
        "{\"repeat\": …} needs a repeat spec, which is not supported"))
    end
    defs[name] = def
  end
  return defs
end

-- The chartd keys a Vega-Lite spec may carry beside its own.
local CHARTD_KEYS = { theme = true, format = true, scale = true, options = true, seed = true,
  annotations = true, subtitle = true }

-- A sort by another field's aggregate ({"field": "b", "op": "mean"}) becomes the explicit
-- order of the keys, computed over the rows the chart draws, as Vega sorts its domain.
function M.resolve_sort(spec, rows, warn)
  for _, ch in ipairs({ "x", "y" }) do M.numeric_order(spec.encoding and spec.encoding[ch], rows) end
  local x = spec.encoding and spec.encoding.x
  local by = x and type(x.sort) == "table" and x.sort.by
  if not by then return end
  if x.type ~= "nominal" and x.type ~= "ordinal" then
    warn("encoding.x.sort", "sorting dates or numbers by another field is not supported; ignored")
    x.sort = nil
    return
  end
  local ops = require "transforms.ops"
  local frame = require "data.frame"
  local keyed = {}
  for _, r in ipairs(rows()) do
    local k = r[x.field]
    if k ~= nil and k ~= json.null then
      k = type(k) == "number" and frame.number_text(k) or tostring(k)
      keyed[k] = keyed[k] or {}
      keyed[k][#keyed[k] + 1] = r
    end
  end
  local list = {}
  for k, group in pairs(keyed) do
    local v = ops.compute(by.op, group, by.field)
    list[#list + 1] = { key = k, value = type(v) == "number" and v or nil }
  end
  table.sort(list, function(a, b)
    if a.value ~= b.value then
      if a.value == nil or b.value == nil then return b.value == nil end
      if by.descending then return a.value > b.value end
      return a.value < b.value
    end
    return a.key < b.key
  end)
  local order = json.array({})
  for i, item in ipairs(list) do order[i] = item.key end
  x.sort = #order > 0 and order or nil
end

-- Numbers on a discrete axis sort as numbers in Vega-Lite (5 before 10); chartd holds them as
-- text, so an ascending/descending order of all-number values becomes an explicit list.
function M.numeric_order(ch, rows)
  if not (ch and ch.field and (ch.sort == "ascending" or ch.sort == "descending")
    and (ch.type == "nominal" or ch.type == "ordinal")) then return end
  local seen, nums = {}, {}
  for _, r in ipairs(rows()) do
    local v = r[ch.field]
    if type(v) == "string" then return end
    if type(v) == "number" and not seen[v] then seen[v] = true; nums[#nums + 1] = v end
  end
  if #nums == 0 then return end
  table.sort(nums, function(a, b) if ch.sort == "descending" then return a > b end return a < b end)
  local frame = require "data.frame"
  local order = json.array({})
  for i, v in ipairs(nums) do order[i] = frame.number_text(v) end
  ch.sort = order
end

-- M.translate(vl) → chartd spec, warnings (array of "path: message") | raises an errors.new value.
function M.translate(vl)
  local warnings = json.array({})
  local seen = {}
  local function warn(path, msg)
    local text = path .. ": " .. msg
    if not seen[text] then seen[text] = true; warnings[#warnings + 1] = text end
  end
  for k, what in pairs(UNSUPPORTED) do
    if vl[k] ~= nil then
      error(errors.new("invalid_spec", k, ("%s are not supported; chartd draws a single view (mark + encoding, "
        .. "or a layer)"):format(what):gsub("^a (.-) are", "a %1 is")))
    end
  end
  local spec = {}
  for k in pairs(CHARTD_KEYS) do spec[k] = vl[k] end
  local steps = toplevel.read(vl, spec, warn)

  local view = vl
  local layers
  if vl.layer ~= nil then
    view, layers = require("vegalite.layer").main(vl, warn)
  end

  local records = data.records(view.data or vl.data, { warn = warn, datasets = vl.datasets })
  local transforms = {}
  for _, t in ipairs(type(vl.transform) == "table" and vl.transform or {}) do transforms[#transforms + 1] = t end
  if view ~= vl then
    for _, t in ipairs(type(view.transform) == "table" and view.transform or {}) do transforms[#transforms + 1] = t end
  end

  local user_transforms = {}
  for i, t in ipairs(transforms) do user_transforms[i] = t end

  local markdef = mark_def(view.mark)
  local defs = read_encoding(view.encoding, warn)
  -- Encoding-level semantics chartd's chart would not compute the same way become transforms.
  lower.encoding(markdef, defs, transforms)
  lower.invalid(markdef, defs, transforms)

  local ctype, options, enc = marks.build(markdef, defs, { warn = warn })
  spec.type = spec.type or ctype
  spec.options = spec.options or options
  spec.encoding = enc

  local facet = defs.row or defs.column or defs.facet
  if facet then require("vegalite.facet").apply(spec, defs, warn) end
  if layers then
    local layer = require "vegalite.layer"
    layer.annotate(spec, layers, warn, function(l) return layer.rows(records, user_transforms, l) end)
  end

  local drawn_rows
  local function rows()
    drawn_rows = drawn_rows or require("vegalite.layer").rows(records, transforms, {})
    return drawn_rows
  end
  toplevel.step_size(spec, steps, rows)
  toplevel.config_colors(vl, spec, warn)
  toplevel.guide_config(vl, spec, warn)
  M.resolve_sort(spec, rows, warn)
  spec.data = { values = records }
  if #transforms > 0 then spec.transform = transforms end
  return spec, warnings
end

return M
