-- `layer`: the common two- and three-layer shapes drawn as one chart. The first layer with a
-- chart mark is the chart; the others become what chartd draws over it: points on a line
-- (options.points), value labels on bars (options.labels), rules and text at data values
-- (annotations: a mean/median/… rule over the data, a rule or note at a datum). Any other
-- layer is named in a warning.
local channels = require "vegalite.channels"
local errors = require "util.errors"
local json = require "util.json"
local ops = require "transforms.ops"
local transforms = require "transforms"

local M = {}

local OVERLAY = { rule = true, text = true }

local function merged_encoding(parent, child)
  local out = {}
  for k, v in pairs(type(parent) == "table" and parent or {}) do out[k] = v end
  for k, v in pairs(type(child) == "table" and child or {}) do out[k] = v end
  return out
end

local function mark_type(mark)
  if type(mark) == "string" then return mark end
  if channels.is_object(mark) then return mark.type end
  return nil
end

-- M.main(vl, warn) → the view to draw (mark, encoding, data, transform) and the other layers.
function M.main(vl, warn)
  local list = vl.layer
  if type(list) ~= "table" or list[1] == nil then
    error(errors.new("invalid_spec", "layer", "must be a non-empty array of layers"))
  end
  local main_index
  for i, l in ipairs(list) do
    if type(l) ~= "table" then error(errors.new("invalid_spec", ("layer[%d]"):format(i - 1), "must be an object")) end
    if l.layer ~= nil then
      error(errors.new("invalid_spec", ("layer[%d].layer"):format(i - 1), "nested layers are not supported"))
    end
    local t = mark_type(l.mark)
    if not main_index and t and not OVERLAY[t] then main_index = i end
  end
  if not main_index then
    error(errors.new("invalid_spec", "layer", "needs a layer with a chart mark (bar, line, area, point, rect, arc, "
      .. "boxplot, tick); rule and text layers are drawn over one"))
  end
  local view = {}
  local main = list[main_index]
  for k, v in pairs(main) do view[k] = v end
  view.encoding = merged_encoding(vl.encoding, main.encoding)
  if main.data ~= nil and vl.data ~= nil then
    warn(("layer[%d].data"):format(main_index - 1), "the layer's own data is drawn; the top-level data is not")
  end
  view.data = main.data or vl.data
  local others = {}
  for i, l in ipairs(list) do
    if i ~= main_index then
      others[#others + 1] = { index = i - 1, layer = l, encoding = merged_encoding(vl.encoding, l.encoding) }
    end
  end
  return view, others
end

local function field_of(def) return channels.is_object(def) and def.field or nil end

local function constant(def)
  if not channels.is_object(def) then return nil end
  if def.datum ~= nil and type(def.datum) ~= "table" then return def.datum end
  if def.value ~= nil and type(def.value) ~= "table" then return def.value end
  return nil
end

-- The value of a rule/text position: a datum, or an aggregate of a field over the rows.
local function position(def, rows)
  local c = constant(def)
  if c ~= nil then return c end
  if channels.is_object(def) and def.aggregate and (def.field or def.aggregate == "count")
    and ops.known(def.aggregate) then
    local v = ops.compute(def.aggregate == "average" and "mean" or def.aggregate, rows, def.field)
    if type(v) == "number" and v == v then return v end
  end
  return nil
end

-- Adds the other layers to spec: options, annotations, or warnings. rows(layer) gives the
-- records the layer sees (the spec's data through its transforms and the layer's own).
function M.annotate(spec, others, warn, rows_for)
  for _, o in ipairs(others) do
    local path = ("layer[%d]"):format(o.index)
    local l = o.layer
    local t = mark_type(l.mark)
    local e = o.encoding
    local drawn = false
    if (t == "point" or t == "circle") and spec.type == "line" then
      spec.options.points = true
      drawn = true
    elseif t == "line" and (spec.type == "area" or spec.type == "line") then
      drawn = true -- chartd draws an area's outline and a line already
    elseif t == "line" and spec.type == "scatter" and M.linear_fit(l) then
      -- A least-squares line over the points: the scatter chart's own regression line.
      spec.options.regression = true
      drawn = true
    elseif t == "text" and field_of(e.text) and (spec.type == "bar" or spec.type == "histogram") then
      -- Value labels: chartd's bar labels show each bar's value.
      if spec.type == "bar" then spec.options.labels = true end
      drawn = spec.type == "bar"
    elseif t == "rule" or t == "text" then
      if l.data ~= nil then
        warn(path .. ".data", "a layer with its own data is not supported; its values are read from the chart's data")
      end
      local rows = rows_for(l)
      local x, y = position(e.x, rows), position(e.y, rows)
      local group = field_of(e.color) or field_of(e.detail)
      if group and (channels.is_object(e.y) and e.y.aggregate or channels.is_object(e.x) and e.x.aggregate) then
        warn(path, "a rule per group is not supported; one rule over all rows is drawn")
      end
      local note = { type = t }
      if t == "text" then
        local text = constant(e.text) or (channels.is_object(l.mark) and l.mark.text)
        if type(text) == "table" then text = table.concat(text, " ") end
        if text == nil or x == nil or y == nil then
          note = nil
        else
          note.text, note.x, note.y = tostring(text), x, y
        end
      elseif y ~= nil and (x == nil or field_of(e.x)) then
        note.y = y
      elseif x ~= nil and (y == nil or field_of(e.y)) then
        note.x = x
      else
        note = nil
      end
      -- chartd's horizontal bars keep the value on y: a rule on the value axis follows it.
      if note and spec.options.horizontal and note.x ~= nil and note.y == nil then note.x, note.y = nil, note.x end
      if note then
        local list = spec.annotations
        if list == nil or list == json.null then list = json.array({}); spec.annotations = list end
        list[#list + 1] = note
        drawn = true
      end
    end
    if not drawn then warn(path, ('a "%s" layer here is not drawn'):format(tostring(t))) end
  end
end

-- True when a layer's transforms end in one linear regression over all rows.
function M.linear_fit(l)
  local list = type(l.transform) == "table" and l.transform or {}
  local last = list[#list]
  return #list == 1 and type(last) == "table" and last.regression ~= nil
    and (last.method == nil or last.method == "linear") and last.groupby == nil
end

-- The records a layer sees: the chart's data through the spec's transforms and its own.
function M.rows(records, list, layer)
  local copy = json.array({})
  for i, r in ipairs(records) do copy[i] = ops.copy(r) end
  local all = {}
  for _, t in ipairs(list) do all[#all + 1] = t end
  for _, t in ipairs(type(layer.transform) == "table" and layer.transform or {}) do all[#all + 1] = t end
  return transforms.run(copy, all, "transform", {})
end

return M
